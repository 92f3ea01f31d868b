import Foundation

/// The chi-squared distribution's survival function: the p-value of a chi-squared statistic.
public enum ChiSquared {
    public static func survival(_ x: Double, degreesOfFreedom k: Double) -> Double {
        SpecialFunctions.upperIncompleteGamma(k / 2, x / 2)
    }
}
