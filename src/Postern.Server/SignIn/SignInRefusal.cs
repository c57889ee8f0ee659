namespace Postern.Server.SignIn;

/// <summary>A sign-in refused before any password was checked: a code for the client, a reason for the audit log, and when to come back.</summary>
internal sealed record SignInRefusal(string Code, string Reason, TimeSpan RetryAfter)
{
    public const string LockedOut = "locked_out";
    public const string Slowed = "slowed";
    public const string Busy = "busy";
}
