"""Shows at the end of the run the timings the end-to-end tests recorded."""


def pytest_terminal_summary(terminalreporter):
    lines = [
        f"{report.nodeid}: {name} = {value}"
        for reports in terminalreporter.stats.values()
        for report in reports
        if getattr(report, "when", None) == "call"
        for name, value in getattr(report, "user_properties", ())
        if name.endswith("_seconds")
    ]
    if lines:
        terminalreporter.write_sep("-", "lab_crm timings")
        for line in lines:
            terminalreporter.write_line(line)
