# Cases transcribed from huggingface/Math-Verify tests/test_yujianll.py at commit
# 056ad6253a41b01e49072623b7e2c88ded7d82af (Apache-2.0); default parse/verify.
LE = "latex+expr"
O = "test_yujianll.py::test_string_extraction"
CASES = [
    ("$n=2, 3, 4$", "$n=1, 2, 3$", 0, O, LE),
    ("$D = (0, 1)$", "$D = (0, 1.5)$", 0, O, LE),
    ("$F_n = \\sum_{k=0}^{n-1} F_k F_{n-k-1}$", "$F_n = \\sum_{k=0}^{n-1} F_{n-k-1} F_k$", 1, O, LE),
    ("$19, 46, and 82$", "$21, 36, and 82$", 0, O, LE),
    ("$1 - \\frac{1}{\\mathrm{e}}$", "$1 + \\frac{1}{\\mathrm{e}}$", 0, O, LE),
    ("$\\pm 2021$", "${-2021, 2021}$", 1, O, LE),
    ("$12:00$", "$12:00$", 1, O, LE),
]
