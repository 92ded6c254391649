import { registry } from "@web/core/registry";

// A Lab CRM manager opens the Laboratory CRM dashboard: its charts are drawn.
registry.category("web_tour.tours").add("lab_dashboard_tour", {
    steps: () => [
        {
            content: "The dashboard is selected",
            trigger: ".o_spreadsheet_dashboard_action",
        },
        {
            content: "A chart is drawn",
            trigger: ".o-figure canvas",
        },
    ],
});
