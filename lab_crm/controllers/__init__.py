from . import portal
from . import report_verify
from . import survey
from . import sale_portal
