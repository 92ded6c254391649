import { patch } from "@web/core/utils/patch";
import { PortalHomeCounters } from "@portal/interactions/portal_home_counters";

patch(PortalHomeCounters.prototype, {
    /**
     * Samples and complaints stay on the portal home without any document: they
     * are where a new customer requests a test or files a complaint.
     *
     * @override
     */
    getCountersAlwaysDisplayed() {
        return super
            .getCountersAlwaysDisplayed(...arguments)
            .concat(["lab_sample_count", "lab_complaint_count"]);
    },
});
