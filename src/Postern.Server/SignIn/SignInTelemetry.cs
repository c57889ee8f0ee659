using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Postern.Server.SignIn;

/// <summary>
/// Sign-in's counter <c>postern.logins</c> (meter <c>Postern.SignIn</c>) and its span (source of the same name). Labels:
/// the method (<c>password</c>, <c>sso</c>) and the result (<c>success</c>, or the refusal's code for a password,
/// <c>failure</c> for SSO): never the user name.
/// </summary>
internal sealed class SignInTelemetry
{
    public const string Name = "Postern.SignIn";

    private static readonly ActivitySource Source = new(Name);

    private readonly Counter<long> _logins;

    public SignInTelemetry(IMeterFactory meters) =>
        _logins = meters.Create(Name).CreateCounter<long>("postern.logins", "{login}", "Sign-in attempts, by method and result.");

    /// <summary>The span of one sign-in by <paramref name="method"/>; <c>null</c> when no one records spans.</summary>
    public static Activity? Start(string method) => Source.StartActivity("sign_in")?.SetTag("postern.sign_in.method", method);

    /// <summary>A sign-in by <paramref name="method"/> ended with <paramref name="result"/>.</summary>
    public void Ended(string method, string result, Activity? span)
    {
        _logins.Add(1, new TagList { { "method", method }, { "result", result } });
        span?.SetTag("postern.result", result);
    }
}
