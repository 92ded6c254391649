from . import lab_arrears_customer
from . import lab_arrears_line
from . import lab_customer_profile
from . import lab_customer_statement
from . import lab_service_quality
from . import lab_staff_kpi
from . import lab_assessment_measure
