from . import lab_demo
