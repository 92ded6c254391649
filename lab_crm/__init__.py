from . import controllers
from . import models
from . import demo
from . import report
from . import wizard


def pre_init_hook(env):
    models.account_move_line.init_paid_date(env.cr)
