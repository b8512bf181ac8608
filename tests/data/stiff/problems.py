"""Definitions of the classic stiff test problems used for solver reference data.

Pure numpy; imported by verify_reference.py (which writes the JSON files next to
this module).  Every problem is written exactly as in the source it is taken
from (see the "source" entries); nothing is rescaled unless stated.
"""
import numpy as np

# --------------------------------------------------------------------------
# ROBER (Robertson 1966), Test Set for IVP Solvers / Hairer-Wanner form
# --------------------------------------------------------------------------
ROBER_K1, ROBER_K2, ROBER_K3 = 0.04, 1.0e4, 3.0e7


def rober_f(t, y):
    y1, y2, y3 = y
    return np.array([
        -ROBER_K1 * y1 + ROBER_K2 * y2 * y3,
        ROBER_K1 * y1 - ROBER_K2 * y2 * y3 - ROBER_K3 * y2 * y2,
        ROBER_K3 * y2 * y2,
    ])


def rober_jac(t, y):
    y1, y2, y3 = y
    return np.array([
        [-ROBER_K1, ROBER_K2 * y3, ROBER_K2 * y2],
        [ROBER_K1, -ROBER_K2 * y3 - 2 * ROBER_K3 * y2, -ROBER_K2 * y2],
        [0.0, 2 * ROBER_K3 * y2, 0.0],
    ])


# --------------------------------------------------------------------------
# HIRES (Schaefer 1975; Gottwald 1977), Test Set for IVP Solvers
# --------------------------------------------------------------------------
def hires_f(t, y):
    y1, y2, y3, y4, y5, y6, y7, y8 = y
    f7 = 280.0 * y6 * y8 - 1.81 * y7
    return np.array([
        -1.71 * y1 + 0.43 * y2 + 8.32 * y3 + 0.0007,
        1.71 * y1 - 8.75 * y2,
        -10.03 * y3 + 0.43 * y4 + 0.035 * y5,
        8.32 * y2 + 1.71 * y3 - 1.12 * y4,
        -1.745 * y5 + 0.43 * (y6 + y7),
        -280.0 * y6 * y8 + 0.69 * y4 + 1.71 * y5 - 0.43 * y6 + 0.69 * y7,
        f7,
        -f7,
    ])


def hires_jac(t, y):
    y6, y8 = y[5], y[7]
    J = np.zeros((8, 8))
    J[0, 0], J[0, 1], J[0, 2] = -1.71, 0.43, 8.32
    J[1, 0], J[1, 1] = 1.71, -8.75
    J[2, 2], J[2, 3], J[2, 4] = -10.03, 0.43, 0.035
    J[3, 1], J[3, 2], J[3, 3] = 8.32, 1.71, -1.12
    J[4, 4], J[4, 5], J[4, 6] = -1.745, 0.43, 0.43
    J[5, 3], J[5, 4], J[5, 5], J[5, 6], J[5, 7] = 0.69, 1.71, -280.0 * y8 - 0.43, 0.69, -280.0 * y6
    J[6, 5], J[6, 6], J[6, 7] = 280.0 * y8, -1.81, 280.0 * y6
    J[7, 5], J[7, 6], J[7, 7] = -280.0 * y8, 1.81, -280.0 * y6
    return J


# --------------------------------------------------------------------------
# VDPOL, scaled (Hairer-Wanner) form: y1' = y2, y2' = ((1-y1^2) y2 - y1)/eps
# --------------------------------------------------------------------------
VDPOL_EPS = 1.0e-6


def vdpol_f(t, y):
    y1, y2 = y
    return np.array([y2, ((1.0 - y1 * y1) * y2 - y1) / VDPOL_EPS])


def vdpol_jac(t, y):
    y1, y2 = y
    return np.array([[0.0, 1.0],
                     [(-2.0 * y1 * y2 - 1.0) / VDPOL_EPS, (1.0 - y1 * y1) / VDPOL_EPS]])


# --------------------------------------------------------------------------
# VDPOLM, unscaled mu = 1000 form: y1' = y2, y2' = mu (1-y1^2) y2 - y1
# --------------------------------------------------------------------------
VDPOLM_MU = 1.0e3


def vdpolm_f(t, y):
    y1, y2 = y
    return np.array([y2, VDPOLM_MU * (1.0 - y1 * y1) * y2 - y1])


def vdpolm_jac(t, y):
    y1, y2 = y
    return np.array([[0.0, 1.0],
                     [-2.0 * VDPOLM_MU * y1 * y2 - 1.0, VDPOLM_MU * (1.0 - y1 * y1)]])


# --------------------------------------------------------------------------
# OREGO (Field-Noyes Oregonator), Test Set for IVP Solvers / Hairer-Wanner
# --------------------------------------------------------------------------
def orego_f(t, y):
    y1, y2, y3 = y
    return np.array([
        77.27 * (y2 + y1 * (1.0 - 8.375e-6 * y1 - y2)),
        (y3 - (1.0 + y1) * y2) / 77.27,
        0.161 * (y1 - y3),
    ])


def orego_jac(t, y):
    y1, y2, y3 = y
    return np.array([
        [77.27 * (1.0 - 2.0 * 8.375e-6 * y1 - y2), 77.27 * (1.0 - y1), 0.0],
        [-y2 / 77.27, -(1.0 + y1) / 77.27, 1.0 / 77.27],
        [0.161, 0.0, -0.161],
    ])


# --------------------------------------------------------------------------
# E5 (stiff DETEST, Enright-Hull-Lindberg 1975), Test Set for IVP Solvers
# --------------------------------------------------------------------------
E5_A, E5_B, E5_CM, E5_C = 7.89e-10, 1.1e7, 1.13e9, 1.13e3


def e5_f(t, y):
    y1, y2, y3, y4 = y
    p1 = E5_A * y1
    p2 = E5_B * y1 * y3
    p3 = E5_CM * y2 * y3
    p4 = E5_C * y4
    f1 = -p1 - p2
    f2 = p1 - p3
    f4 = p2 - p4
    f3 = f2 - f4
    return np.array([f1, f2, f3, f4])


def e5_jac(t, y):
    y1, y2, y3, y4 = y
    A, B, CM, C = E5_A, E5_B, E5_CM, E5_C
    return np.array([
        [-A - B * y3, 0.0, -B * y1, 0.0],
        [A, -CM * y3, -CM * y2, 0.0],
        [A - B * y3, -CM * y3, -B * y1 - CM * y2, C],
        [B * y3, 0.0, B * y1, -C],
    ])
