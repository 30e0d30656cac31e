# Cases transcribed from tests/test_numina_cases.py of Math-Verify, as held in
# the fork wantbook-book/Math-Verify at commit 4551b084a1d017b9725e3810abe3a99a106652a4
# (Apache-2.0). The last case there has no expected value and is left out.
LE = "latex+expr"
O = "test_numina_cases.py::test_numina_cases"
CASES = [
    (r"$(37,3,3,13),(17,3,3,7),(3,37,3,13),(3,17,3,7),(3,3,2,3)$", r"$\boxed{(3, 37, 3, 13), (3, 17, 3, 7), (3, 3, 2, 3), (3,17,3,7), (17,3,3,7), (37,3,3,13)}$", 1, O, LE),
    (r"$(p,q)=(3,2)$", r"$(3,2)$", 1, O, LE),
    (r"$(0;0;0),(0;-2;0),(0;0;6),(0;-2;6),(4;0;0),(4;-2;0),(4;0;6),(4;-2;6)$", r"\boxed{(4, 0, 6), (4, -2, 6), (0, 0, 6), (0, -2, 6), (4, 0, 0), (4, -2, 0), (0, 0, 0), (0, -2, 0)}", 1, O, LE),
    (r"$1\leq|z|\leq \frac{3}{2}$", r"$z \in \left[-\frac{3}{2}, -1\right] \cup \left[1, \frac{3}{2}\right]$", 1, O, LE),
    (r"$-12;-11;-10;-8;-7;-6$", r"$\boxed{\{-12, -11, -10, -8, -7, -6\}}$", 1, O, LE),
    (r"$AB=4,CD=5$", r"$\boxed{4, 5}$", 1, O, LE),
    (r"$(11,7)or(7,11)$", r"$\boxed{(7,11),\ (11,7)}$", 1, O, LE),
    (r"$S_{MBCN}:S=7:32$", r"$\boxed{7:32}$", 1, O, LE),
    (r"$\frac{NO}{BO}=\frac{1}{\sqrt{6}}$", r"$\frac{1}{\sqrt{6}}$", 1, O, LE),
    (r"$p=5,q=2;p=7,q=2$", r"$(5,2),(7,2)$", 1, O, LE),
    (r"$(p,q,r)=(3,2,7)$", r"$(3,2,7)$", 1, O, LE),
    (r"$P(x) = 1$", r"$p(x) = 1$", 1, O, LE),
    (r"$V_{1}:V_{2}=11:21$", r"$11:21$", 1, O, LE),
    (r"$(2,1),(1,2),(-1,-20),(-20,-1)$", r"solutions are:\n\n\\[\n\\boxed{(1, 2)}, \\boxed{(2, 1)}, \\boxed{(-1, -20)}, \\boxed{(-20, -1)}\n\\]", 1, O, LE),
    (r"\(\boxed{1}\) and \(\boxed{-2}\).", r"$\boxed{-2,1}$.", 1, O, LE),
    (r"$\text{odd}$", r"$odd$", 1, O, LE),
    (r"$\text{e}$", r"$e$", 1, O, LE),
    (r"$\text{E}$", r"$E$", 1, O, LE),
    (r"$d$", r"$\text{E}$", 0, O, LE),
    (r"$1$ and $2$ and $3$", r"$\boxed{1,2,3}$", 1, O, LE),
    (r"$(37,3,3),(17,3,3,7),(3,37,3,13),(3,17,3,7),(3,3,2,3)$", r"$\boxed{(3, 37, 3, 13), (3, 17, 3, 7), (3, 3, 2, 3), (3,17,3,7), (17,3,3,7), (37,3,3,13)}$", 0, O, LE),
    (r"$(p,q)=(3,2)$", r"$\boxed{(3, 2)}$", 1, O, LE),
    (r"\boxed{x = -5,\ p = \frac{14}{3}} ", r"$\boxed{-5, \frac{14}{3}}$", 1, O, LE),
    (r"\boxed{a=4,\,-8,\,-10}", r"$\boxed{-10,-8,4}$", 1, O, LE),
    (r"\\boxed{W(n) = 1 \\text{ and } W(n) = -1", r"W(x)=1orW(x)=-1", 1, O, LE),
    ("$21,16$ or $11$", "$21,16,11$", 1, O, LE),
    (r"\boxed{ p = 5, q = 2 \quad \text{and} \quad p = 7, q = 2}", r"$p=5,q=2;p=7,q=2$", 1, O, LE),
    (r"\n\n\[ \boxed{p = -1 \text{ and } p = \dfrac{15}{8}} \]", r"$p=-1,p=\frac{15}{8}$", 1, O, LE),
    ("$0<f(x)<1$", "$(0,1)$", 1, O, LE),
    (r"\(\boxed{6 \text{ and } 8}\)", r"$\boxed{6,8}$", 1, O, LE),
]
