"""Derivation of the error stages of ros2 and ros3p (cpp/include/brainsim/solver/rosenbrock_tableau.hpp).

Run: python3 tests/data/stiff/rosenbrock_error_stage.py   (needs sympy and numpy; not part of the
test suite. tests/cpp/unit/test_solver_tableau.cpp checks the resulting coefficients independently,
through the order conditions of Hairer & Wanner II, Table IV.7.1, and R_hat(inf) = 0.)

Transformed Rosenbrock form, h = 1, applied to y' = z y, y0 = 1: the stage increments are rational
functions U_i(z) and y1 = R(z) = 1 + sum_i m_i U_i(z). The error stage
    (1/gamma - z) U_e = z R(z) + sum_j c_j U_j(z)
gives the companion solution y1 + U_e; for any c its R_hat(inf) = R(inf) - R(inf) = 0 (U_e -> -R as
z -> -inf). For orders <= 2 only the elementary differentials f and f'f occur, and f'f = z^2 y on the
test equation, so conditions read off y' = z y hold for nonlinear problems as well.

ros3p: the published embedded weights give R_hat == R (U_1 and U_2 are proportional), so e = m - m_hat
    is blind on linear problems, while R(inf) = -0.73 leaves stiff components undamped. Conditions
    U_e = O(z^3) (companion of order 2); the family is one-dimensional, c_2 = 0 is taken.
ros2 (gamma = 1 - 1/sqrt(2)): the embedded formula m_hat = (1/gamma, 0) has R_hat(inf) = 1 - 1/gamma
    = -2.41. Conditions U_e = O(z^2) (order 1) and the same z^2 coefficient as e . U (the same
    leading error term on smooth solutions): c = (-1/gamma, 0).
"""

import numpy as np
import sympy as sp

z = sp.symbols("z")


def stages(gamma, a, c, s):
    U = []
    for i in range(s):
        rhs = z * (1 + sum(a.get((i, j), 0) * U[j] for j in range(i))) + sum(c.get((i, j), 0) * U[j] for j in range(i))
        U.append(sp.together(rhs / (1 / gamma - z)))
    return U


def report(name, gamma, U, R, sol, cs):
    Ue = (z * R + sum(cs[j] * U[j] for j in range(len(U)))) / (1 / gamma - z)
    print(f"{name}: c_err =", [sp.nsimplify(sp.simplify(sol[cc])) for cc in cs], "=", [float(sol[cc]) for cc in cs])
    R_e = sp.together(R + Ue.subs(sol))
    print(f"  R_hat(-inf) = {sp.limit(R_e, z, -sp.oo)}")
    f = sp.lambdify(z, R_e, "numpy")
    y = np.logspace(-4, 8, 4000)
    print(f"  max |R_hat(iy)| = {np.max(np.abs(f(1j * y))):.12f}, max |R_hat(x)|, x < 0: {np.max(np.abs(f(-y))):.12f}")


def ros3p():
    gamma = sp.Rational(1, 2) + sp.sqrt(3) / 6
    ig = 1 / gamma
    a = {(1, 0): ig, (2, 0): ig}
    t = -ig * (2 - ig / 2)
    c = {(1, 0): -ig**2, (2, 0): -ig * (1 - t), (2, 1): t}
    t = ig * (sp.Rational(2, 3) - ig / 6)
    m = [ig * (1 + t), t, ig / 3]
    m_hat = [sp.Float("2.113248654051871", 30), 1, sp.Float("0.4226497308103742", 30)]
    U = stages(gamma, a, c, 3)
    R = 1 + sum(mi * ui for mi, ui in zip(m, U))
    R_hat = 1 + sum(mi * ui for mi, ui in zip(m_hat, U))
    for zz in (-0.1, -1.0, -10.0, -1e6):
        print(f"ros3p z={zz:g}: R={float(R.subs(z, zz)):.16f} R_hat(published)={float(R_hat.subs(z, zz)):.16f}")
    cs = sp.symbols("c0:3")
    Ue = (z * R + sum(cs[j] * U[j] for j in range(3))) / (1 / gamma - z)
    ser = sp.series(Ue, z, 0, 4).removeO()
    sol = sp.solve([ser.coeff(z, 1), ser.coeff(z, 2), cs[1]], cs, dict=True)[0]
    report("ros3p", gamma, U, R, sol, cs)


def ros2():
    gamma = 1 - 1 / sp.sqrt(2)
    a = {(1, 0): 1 / gamma}
    c = {(1, 0): -2 / gamma}
    U = stages(gamma, a, c, 2)
    R = 1 + 3 / (2 * gamma) * U[0] + 1 / (2 * gamma) * U[1]
    E = (U[0] + U[1]) / (2 * gamma)  # embedded error estimate e . U
    print("ros2: R(-inf) =", sp.limit(R, z, -sp.oo), " embedded R_hat(-inf) =", sp.nsimplify(sp.limit(R - E, z, -sp.oo)))
    print("ros2: error constant (z^3 coefficient of R - exp) =", sp.nsimplify(sp.series(R - sp.exp(z), z, 0, 4).removeO().coeff(z, 3)))
    cs = sp.symbols("c0:2")
    Ue = (z * R + cs[0] * U[0] + cs[1] * U[1]) / (1 / gamma - z)
    ser = sp.series(Ue, z, 0, 3).removeO()
    lead = sp.series(E, z, 0, 3).removeO().coeff(z, 2)
    sol = sp.solve([ser.coeff(z, 1), ser.coeff(z, 2) - lead], cs, dict=True)[0]
    report("ros2", gamma, U, R, sol, cs)


if __name__ == "__main__":
    ros3p()
    ros2()
