"""Customer segmentation and value models of lab_crm, without the ORM.

Plain functions over numpy arrays (one entry per customer): the ORM side gathers
the figures with grouped queries, calls these functions and stores the results in
bulk. Nothing here touches the database, so it can be tested and benchmarked on
its own.

The modules import numpy (and scipy for the models). Neither
``lab_crm/__init__.py`` nor this file imports them: the code that needs one
imports it inside the method that runs the analysis, e.g.
``from odoo.addons.lab_crm.analytics import bgnbd``, so that loading the addon
does not load numpy, and each caller loads only what it uses.

Modules:

- ``pareto``: ABC tiers by cumulative revenue share (80/20 rule);
- ``rfm``: recency, frequency and monetary scores 1-5 and named segments;
- ``bgnbd``: the BG/NBD model (Fader, Hardie and Lee 2005): fit, P(alive),
  expected transactions;
- ``gammagamma``: the Gamma-Gamma model of the average transaction value;
- ``clv``: customer lifetime value from BG/NBD and Gamma-Gamma;
- ``loyalty``: loyalty matrix (attitude x repeat purchase);
- ``crosssell``: support, confidence and lift of categories bought together, and
  the categories to offer each customer;
- ``churn``: churn risk level and reasons;
- ``logistic``: logistic regression (probability of paying on time);
- ``modelcheck``: BG/NBD and Gamma-Gamma fitted on a calibration period and
  compared with the holdout period that follows (tracking plot, conditional
  expectations, average value, their errors).

The CDNOW reference data the model tests are run on live with the tests
(``lab_crm/tests/data/``, read by ``lab_crm/tests/datasets.py``).
"""
