import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("lab_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "Open the complaints from the portal home",
            trigger: "a[href='/my/complaints']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "File a new complaint",
            trigger: "a.o_lab_complaint_new",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Give the subject",
            trigger: "form.o_lab_complaint_form input[name='summary']",
            run: "edit Report arrived late",
        },
        {
            content: "Describe the problem",
            trigger: "form.o_lab_complaint_form textarea[name='description']",
            run: "edit The report was promised for Monday and came on Friday.",
        },
        {
            content: "Send the complaint",
            trigger: "form.o_lab_complaint_form button[type='submit']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The complaint's page shows it",
            trigger: "h3.o_lab_complaint_summary:contains('Report arrived late')",
        },
        {
            content: "Back to the list of complaints",
            trigger: ".breadcrumb a[href='/my/complaints']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The new complaint is in the list",
            trigger: "tr.o_lab_portal_complaint:contains('Report arrived late')",
        },
        {
            content: "Back to the portal home",
            trigger: ".breadcrumb a[href='/my/home']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the samples",
            trigger: "a[href='/my/samples']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Open the delivered sample",
            trigger: "tr.o_lab_portal_sample:contains('Delivered poplin') a",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Download its report",
            trigger: "a.o_lab_report_download[href$='/report']",
            run: "click",
        },
    ],
});
