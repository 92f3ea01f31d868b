"""SciPy and statsmodels answers to the statistics Herald computes itself.

Reads a JSON list of cases on stdin, each {"kind": ..., ...}, and prints a JSON list of results in the same order.
The experiments service's statistics are checked against these to 1e-6 relative (Tests/StatisticsTests).
"""
import json
import sys

import numpy as np
from scipy import integrate, optimize, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_confint, proportion_effectsize, proportions_ztest


def beta_support(a, b, margin=20.0):
    mean = a / (a + b)
    sd = (a * b / ((a + b) ** 2 * (a + b + 1))) ** 0.5
    return max(0.0, mean - margin * sd), min(1.0, mean + margin * sd), mean, sd


def integrate_over(f, lo, hi, points):
    inner = sorted(p for p in points if lo < p < hi)
    value, _ = integrate.quad(f, lo, hi, points=inner or None, epsabs=0, epsrel=1e-11, limit=2000)
    return value


def logit(x, y, l2):
    """L2-penalized logistic regression, the intercept unpenalized: SciPy's exact trust-region minimizer of the
    negative log-likelihood plus l2/2 times the squared weights."""
    design = np.column_stack([np.ones(len(x)), x])
    penalty = np.full(design.shape[1], l2)
    penalty[0] = 0

    def objective(b):
        z = design @ b
        return -np.sum(y * z - np.logaddexp(0, z)) + 0.5 * np.sum(penalty * b * b)

    def gradient(b):
        p = 1 / (1 + np.exp(-(design @ b)))
        return -(design.T @ (y - p)) + penalty * b

    def hessian(b):
        p = 1 / (1 + np.exp(-(design @ b)))
        return (design.T * (p * (1 - p))) @ design + np.diag(penalty)

    result = optimize.minimize(objective, np.zeros(design.shape[1]), jac=gradient, hess=hessian, method="trust-exact",
                               options={"gtol": 1e-12})
    return list(result.x)


def probability_to_be_best(params):
    results = []
    for j, (aj, bj) in enumerate(params):
        lo, hi, mean, sd = beta_support(aj, bj)
        others = [stats.beta(a, b) for i, (a, b) in enumerate(params) if i != j]
        own = stats.beta(aj, bj)
        points = [mean + k * sd for k in range(-12, 13)]
        for a, b in params:
            _, _, m, s = beta_support(a, b)
            points += [m + k * s for k in range(-8, 9)]
        results.append(integrate_over(lambda x: own.pdf(x) * np.prod([o.cdf(x) for o in others]), lo, hi, points))
    return results


def expected_loss(treatment, control):
    (at, bt), (ac, bc) = treatment, control
    lo, hi, mean, sd = beta_support(at, bt)
    c, c_shift, t = stats.beta(ac, bc), stats.beta(ac + 1, bc), stats.beta(at, bt)
    mc = ac / (ac + bc)
    _, _, m2, s2 = beta_support(ac, bc)
    points = [mean + k * sd for k in range(-12, 13)] + [m2 + k * s2 for k in range(-8, 9)]
    return integrate_over(lambda y: t.pdf(y) * max(0.0, mc * c_shift.sf(y) - y * c.sf(y)), lo, hi, points)


def answer(case):
    kind = case["kind"]
    if kind == "logit":
        return logit(np.array(case["x"], dtype=float), np.array(case["y"], dtype=float), case["l2"])
    if kind == "auc":
        u = stats.mannwhitneyu(case["positives"], case["negatives"]).statistic
        return [u / (len(case["positives"]) * len(case["negatives"]))]
    if kind == "ztest":
        z, p = proportions_ztest([case["x1"], case["x2"]], [case["n1"], case["n2"]])
        return [z, p]
    if kind == "chi2":
        table = np.array([[s, t - s] for s, t in zip(case["successes"], case["totals"])])
        chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
        return [chi2, p, dof]
    if kind == "srm":
        observed = np.array(case["observed"], dtype=float)
        shares = np.array(case["shares"], dtype=float)
        result = stats.chisquare(observed, f_exp=observed.sum() * shares / shares.sum())
        return [result.statistic, result.pvalue]
    if kind == "welch":
        result = stats.ttest_ind(case["a"], case["b"], equal_var=False)
        return [result.statistic, result.pvalue, result.df]
    if kind == "wilson":
        low, high = proportion_confint(case["x"], case["n"], alpha=1 - case["confidence"], method="wilson")
        return [low, high]
    if kind == "tinterval":
        data = np.array(case["data"])
        low, high = stats.t.interval(case["confidence"], len(data) - 1, loc=data.mean(), scale=stats.sem(data))
        return [low, high]
    if kind in ("holm", "fdr_bh"):
        return list(multipletests(case["p"], method=kind)[1])
    if kind == "samplesize":
        p1 = case["baseline"]
        p2 = p1 * (1 + case["effect"])
        n = NormalIndPower().solve_power(
            effect_size=proportion_effectsize(p2, p1), alpha=case["alpha"], power=case["power"], ratio=1)
        return [n]
    if kind == "mde":
        # solve_power's own root finding stops near 1e-4; the root of statsmodels' power function, to full precision.
        power = NormalIndPower()
        h = optimize.brentq(
            lambda e: power.power(e, case["n"], case["alpha"], ratio=1) - case["power"], 1e-12, 10, xtol=1e-15,
            rtol=1e-15)
        p1 = case["baseline"]
        p2 = np.sin(np.arcsin(np.sqrt(p1)) + h / 2) ** 2
        return [p2 / p1 - 1]
    if kind == "normal_quantile":
        return [stats.norm.ppf(case["p"])]
    if kind == "t":
        dist = stats.t(case["df"])
        return [dist.cdf(case["x"]), dist.ppf(case["p"])]
    if kind == "beta_cdf":
        return [stats.beta.cdf(case["x"], case["a"], case["b"])]
    if kind == "chi2_sf":
        return [stats.chi2.sf(case["x"], case["df"])]
    if kind == "best":
        return probability_to_be_best(case["params"])
    if kind == "loss":
        return [expected_loss(case["treatment"], case["control"])]
    if kind == "cuped":
        x = [np.array(g) for g in case["x"]]
        y = [np.array(g) for g in case["y"]]
        xs, ys = np.concatenate(x), np.concatenate(y)
        theta = np.cov(xs, ys, ddof=1)[0, 1] / np.var(xs, ddof=1)
        adjusted = [yi - theta * (xi - xs.mean()) for xi, yi in zip(x, y)]
        result = stats.ttest_ind(adjusted[1], adjusted[0], equal_var=False)
        return [theta, adjusted[0].mean(), adjusted[1].mean(), result.statistic, result.pvalue]
    raise ValueError(f"unknown case kind {kind}")


json.dump([[float(v) for v in answer(case)] for case in json.load(sys.stdin)], sys.stdout)
