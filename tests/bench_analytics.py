"""Seconds and peak memory of lab_crm.analytics on 100,000 synthetic customers.

    "$LAB_CRM_VENV"/bin/python tests/bench_analytics.py [--customers 100000]
        [--categories 20] [--repeat 3] [--seed 1]

Run it with Odoo's virtualenv python (PYTHON of scripts/common.sh); it needs
numpy and scipy, not Odoo nor a database: it loads lab_crm/analytics as a
package of its own, without lab_crm/__init__.py. The customers are drawn from
the models themselves (BG/NBD purchases over up to three years in whole days,
Gamma-Gamma values, correlated category purchases). For each step it prints the
best wall-clock time of --repeat runs and the peak of the memory the step
allocates (tracemalloc, which sees numpy's arrays, measured in a separate run);
at the end the process's peak resident memory. Not collected by pytest (not
test_*.py).
"""

import argparse
import importlib
import importlib.util
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ANALYTICS_DIR = Path(__file__).resolve().parent.parent / "lab_crm" / "analytics"
PACKAGE = "lab_crm_analytics"


def load_analytics():
    """The analytics package, imported under PACKAGE without lab_crm/__init__."""
    spec = importlib.util.spec_from_file_location(
        PACKAGE,
        ANALYTICS_DIR / "__init__.py",
        submodule_search_locations=[str(ANALYTICS_DIR)],
    )
    package = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = package
    spec.loader.exec_module(package)
    names = ("bgnbd", "gammagamma", "clv", "pareto", "rfm", "crosssell")
    names += ("loyalty", "churn")
    return {name: importlib.import_module(f"{PACKAGE}.{name}") for name in names}


def say(message):
    sys.stdout.write(f"{message}\n")
    sys.stdout.flush()


def simulate(n, n_categories, rng):
    """Synthetic customers: BG/NBD purchases, Gamma-Gamma values, baskets.

    BG/NBD in days: lambda ~ Gamma(0.8, rate 40) (a sample every 50 days on
    average), p ~ Beta(0.6, 3), ages T uniform over 30..1095 days. Gamma-Gamma:
    p = 5, q = 3, gamma = 2000 (mean transaction about 5000). Returns a dict of
    arrays.
    """
    rate = rng.gamma(0.8, 1 / 40.0, n)
    drop = rng.beta(0.6, 3.0, n)
    age = rng.integers(30, 1096, n).astype(float)
    count = np.zeros(n)
    last = np.zeros(n)
    now = np.zeros(n)
    active = np.arange(n)
    while active.size:
        now[active] += rng.exponential(1.0 / rate[active])
        inside = now[active] <= age[active]
        active = active[inside]
        count[active] += 1
        last[active] = now[active]
        active = active[rng.random(active.size) >= drop[active]]
    frequency = count
    recency_continuous = last
    recency = np.floor(last)
    nu = rng.gamma(3.0, 1 / 2000.0, n)
    spend = np.where(
        frequency > 0,
        rng.gamma(5.0 * np.maximum(frequency, 1), 1.0 / nu) / np.maximum(frequency, 1),
        0.0,
    )
    first = rng.gamma(5.0, 1.0 / nu)
    revenue = first + spend * frequency
    refunded = rng.random(n) < 0.01
    revenue[refunded] -= 1.5 * first[refunded]
    base = np.linspace(0.6, 0.02, n_categories)
    affinity = rng.random(n)[:, None]
    baskets = rng.random((n, n_categories)) < base * (0.5 + affinity)
    return {
        "frequency": frequency,
        "recency": recency,
        "recency_continuous": recency_continuous,
        "age": age,
        "age_continuous": np.maximum(age - rng.random(n), recency_continuous),
        "monetary": spend,
        "revenue": revenue,
        "baskets": baskets,
        "satisfaction": np.where(
            rng.random(n) < 0.3, np.nan, rng.integers(1, 6, n).astype(float)
        ),
        "complaints": rng.poisson(0.1, n).astype(float),
    }


def measure(label, function, repeat):
    """Runs ``function`` ``repeat`` times timed, once under tracemalloc; prints."""
    seconds = []
    result = None
    for _run in range(repeat):
        start = time.perf_counter()
        result = function()
        seconds.append(time.perf_counter() - start)
    tracemalloc.start()
    function()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    say(f"{label:<52} {min(seconds):9.3f} s {peak / 2**20:9.1f} MiB")
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--categories", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    mods = load_analytics()
    bgnbd, gammagamma, clv = mods["bgnbd"], mods["gammagamma"], mods["clv"]
    rng = np.random.default_rng(args.seed)
    data = simulate(args.customers, args.categories, rng)
    x, t_x, age = data["frequency"], data["recency"], data["age"]
    distinct = np.unique(np.column_stack([x, t_x, age]), axis=0).shape[0]
    say(
        f"{args.customers} customers, {int((x > 0).sum())} with repeat purchases, "
        f"{distinct} distinct (x, t_x, T), {args.categories} categories; "
        f"numpy {np.__version__}"
    )
    say(f"{'step':<52} {'best time':>11} {'peak alloc':>13}")
    fitted = measure(
        "bgnbd.fit (whole days)", lambda: bgnbd.fit(x, t_x, age), args.repeat
    )
    say(
        f"    r={fitted.params.r:.4f} alpha={fitted.params.alpha:.3f} "
        f"a={fitted.params.a:.4f} b={fitted.params.b:.4f} "
        f"(simulated 0.8, 40, 0.6, 3); {fitted.iterations} iterations"
    )
    measure(
        "bgnbd.fit (continuous times, no duplicate rows)",
        lambda: bgnbd.fit(x, data["recency_continuous"], data["age_continuous"]),
        args.repeat,
    )
    params = fitted.params
    measure(
        "bgnbd.log_likelihood",
        lambda: bgnbd.log_likelihood(params, x, t_x, age),
        args.repeat,
    )
    alive = measure(
        "bgnbd.probability_alive",
        lambda: bgnbd.probability_alive(params, x, t_x, age),
        args.repeat,
    )
    measure(
        "bgnbd.conditional_expected_transactions (1 year)",
        lambda: bgnbd.conditional_expected_transactions(params, 365, x, t_x, age),
        args.repeat,
    )
    spending = measure(
        "gammagamma.fit",
        lambda: gammagamma.fit(x, data["monetary"]),
        args.repeat,
    )
    say(
        f"    p={spending.params.p:.3f} q={spending.params.q:.3f} "
        f"gamma={spending.params.gamma:.1f} (simulated 5, 3, 2000)"
    )
    measure(
        "gammagamma.conditional_expected_average_value",
        lambda: gammagamma.conditional_expected_average_value(
            spending.params, x, data["monetary"]
        ),
        args.repeat,
    )
    measure(
        "clv.customer_lifetime_value (12 months)",
        lambda: clv.customer_lifetime_value(
            params, spending.params, x, t_x, age, data["monetary"], 12, 0.01
        ),
        args.repeat,
    )
    measure(
        "pareto.abc_tiers",
        lambda: mods["pareto"].abc_tiers(data["revenue"]),
        args.repeat,
    )
    scores = measure(
        "rfm.rfm_scores",
        lambda: mods["rfm"].rfm_scores(age - t_x, x + 1, data["revenue"]),
        args.repeat,
    )
    measure(
        "rfm.segments",
        lambda: mods["rfm"].segments(scores.r, scores.f, scores.m),
        args.repeat,
    )
    measure(
        f"crosssell.associations ({args.categories} categories)",
        lambda: mods["crosssell"].associations(data["baskets"]),
        args.repeat,
    )
    measure(
        "crosssell.recommendations (top 3 by lift)",
        lambda: mods["crosssell"].recommendations(data["baskets"], top_k=3),
        args.repeat,
    )
    measure(
        "loyalty.loyalty_types",
        lambda: mods["loyalty"].loyalty_types(data["satisfaction"], x / 10.0),
        args.repeat,
    )
    interval = np.where(x > 0, t_x / np.maximum(x, 1), np.nan)
    measure(
        "churn.churn_risk",
        lambda: mods["churn"].churn_risk(
            alive,
            age - t_x,
            interval,
            rng.lognormal(0.0, 0.5, x.size),
            data["complaints"],
            data["satisfaction"],
        ),
        args.repeat,
    )
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    say(f"peak resident memory of the process: {peak_rss:.0f} MiB")


if __name__ == "__main__":
    main()
