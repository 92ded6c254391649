from . import lab_handover_wizard
