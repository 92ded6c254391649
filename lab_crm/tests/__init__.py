from . import test_change_history
from . import test_credit_code
from . import test_handover
from . import test_i18n
from . import test_profile
from . import test_qualification
from . import test_sensitive_profile
