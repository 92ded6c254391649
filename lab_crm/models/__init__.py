from . import lab_key_person
from . import lab_partner_change
from . import lab_qualification
from . import res_config_settings
from . import res_partner
