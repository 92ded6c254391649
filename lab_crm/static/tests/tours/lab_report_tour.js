import { registry } from "@web/core/registry";

// The customer downloads the delivered report and acknowledges its receipt.
registry.category("web_tour.tours").add("lab_report_acknowledge_tour", {
    steps: () => [
        {
            content: "The sample's page lists the report's version, valid",
            trigger: "tr.o_lab_report_version:contains('R-2026-0001')",
        },
        {
            content: "Download the report",
            trigger: "a.o_lab_report_download[href$='/report']",
            run: "click",
        },
        {
            content: "Acknowledge its receipt",
            trigger: "button.o_lab_report_acknowledge",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The acknowledgement is shown, the button is gone",
            trigger:
                "tr.o_lab_report_version td.o_lab_report_acknowledged:not(:empty):contains('Chen Li')",
        },
        {
            content: "No second acknowledgement",
            trigger: "body:not(:has(button.o_lab_report_acknowledge))",
        },
    ],
});

// A visitor verifies a report by its number and code (typed in lower case).
registry.category("web_tour.tours").add("lab_report_verify_tour", {
    steps: () => [
        {
            content: "Type the report number",
            trigger: "form.o_lab_report_verify_form input[name='number']",
            run: "edit R-2026-0001",
        },
        {
            content: "Type the verification code",
            trigger: "form.o_lab_report_verify_form input[name='code']",
            run: "edit 7k3m-9qwz-2xh4-t8rb",
        },
        {
            content: "Verify",
            trigger: "form.o_lab_report_verify_form button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The report is valid",
            trigger: ".o_lab_verify_valid",
        },
        {
            content: "Its customer is masked",
            trigger: ".o_lab_verify_customer:contains('上海******公司')",
        },
    ],
});
