using System.Globalization;
using System.Text.RegularExpressions;

namespace Postern.WorkloadIdentity;

/// <summary>Why a rule does not admit a caller, as <see cref="WorkloadIdentityPolicy.Admits"/> reports it.</summary>
internal static class RuleRefusal
{
    /// <summary>
    /// <c>null</c> when every condition of <paramref name="rule"/> holds for <paramref name="caller"/>; otherwise the
    /// first that does not, and why. A glob that gives up (its timeout) does not hold: the rule fails closed.
    /// </summary>
    public static string? Of(WorkloadRule rule, WorkloadCaller caller)
    {
        foreach (var condition in rule.Conditions)
        {
            bool holds;
            try
            {
                holds = condition.Matches(caller);
            }
            catch (RegexMatchTimeoutException)
            {
                var limit = condition.GlobTimeout.TotalMilliseconds.ToString("0.####", CultureInfo.InvariantCulture);
                return $"{condition} (gave up after {limit} ms)";
            }

            if (!holds)
            {
                var actual = caller.Lookup(condition.Attribute);
                return $"{condition} (is {(actual is null ? "not set" : string.Join(",", actual.Select(v => $"'{v}'")))})";
            }
        }

        return null;
    }
}
