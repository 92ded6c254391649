import { registry } from "@web/core/registry";

// A Lab CRM user creates a customer with its profile, registers a sample with
// one test item, takes it through contract review and testing, and reports it.
registry.category("web_tour.tours").add("lab_backoffice_tour", {
    steps: () => [
        {
            content: "New customer",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            // A text area, or an input where partner_autocomplete is installed.
            content: "Name it",
            trigger: ".o_field_widget[name=name] :is(textarea, input)",
            run: "edit Tour Textile Co.",
        },
        {
            content: "Open the laboratory profile",
            trigger: ".o_notebook_headers a[name=lab_crm]",
            run: "click",
        },
        {
            content: "Category",
            trigger: ".o_field_widget[name=customer_category] input",
            run: "click",
        },
        {
            trigger: ".o_select_menu_item:contains(Manufacturer)",
            run: "click",
        },
        {
            content: "Ownership",
            trigger: ".o_field_widget[name=ownership_type] input",
            run: "click",
        },
        {
            trigger: ".o_select_menu_item:contains(Private)",
            run: "click",
        },
        {
            content: "Scale",
            trigger: ".o_field_widget[name=enterprise_scale] input",
            run: "click",
        },
        {
            trigger: ".o_select_menu_item:contains(Medium)",
            run: "click",
        },
        {
            content: "Save the customer",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
        {
            content: "Open its samples",
            trigger: "button[name=action_view_samples]",
            run: "click",
        },
        {
            content: "Register a sample",
            trigger: ".o-kanban-button-new, .o_list_button_add",
            run: "click",
        },
        {
            content: "The customer is filled in",
            trigger: ".o_field_widget[name=partner_id] input:value(Tour Textile Co.)",
        },
        {
            content: "Describe the sample",
            trigger: ".o_field_widget[name=sample_name] input",
            run: "edit Cotton fabric",
        },
        {
            content: "Add a test item",
            trigger: ".o_field_widget[name=line_ids] .o_field_x2many_list_row_add a",
            run: "click",
        },
        {
            content: "Choose the test",
            trigger: ".o_field_widget[name=line_ids] .o_field_widget[name=product_id] input",
            run: "edit Tour tensile",
        },
        {
            trigger: ".o-autocomplete--dropdown-item:contains(Tour tensile strength)",
            run: "click",
        },
        {
            content: "Save the sample",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_saved",
        },
        {
            content: "Start the contract review",
            trigger: "button[name=action_start_review]",
            run: "click",
        },
        {
            content: "Approve it and start testing",
            trigger: "button[name=action_approve_review]",
            run: "click",
        },
        {
            content: "Testing",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Testing)",
        },
        {
            content: "Open the report page",
            trigger: ".o_notebook_headers a[name=report]",
            run: "click",
        },
        {
            content: "Give the report number",
            trigger: ".o_field_widget[name=report_number] input",
            run: "edit TR-2026-0001",
        },
        {
            content: "Report",
            trigger: "button[name=action_report]",
            run: "click",
        },
        {
            content: "Reported",
            trigger: ".o_statusbar_status .o_arrow_button_current:contains(Reported)",
        },
    ],
});
