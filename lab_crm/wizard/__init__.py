from . import lab_credit_hold_wizard
from . import lab_fapiao_export_wizard
from . import lab_handover_wizard
from . import lab_sample_batch_wizard
from . import lab_sample_override_wizard
from . import lab_segment_wizard
from . import lab_staff_kpi_wizard
from . import lab_target_group_plan_wizard
