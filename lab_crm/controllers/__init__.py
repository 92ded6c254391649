from . import portal
from . import survey
from . import sale_portal
