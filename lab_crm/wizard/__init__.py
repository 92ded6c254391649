from . import lab_handover_wizard
from . import lab_sample_batch_wizard
from . import lab_sample_override_wizard
