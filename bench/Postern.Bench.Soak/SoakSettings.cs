namespace Postern.Bench.Soak;

/// <summary>Where the load goes, from the environment bench/soak/run.sh sets.</summary>
internal sealed record SoakSettings(
    Uri Server,
    Uri App,
    string AppCookie,
    string User,
    string Password,
    string Socket,
    string CaFile,
    string TrustDomain,
    Uri WorkloadKeySet,
    int? ServerPid,
    int? AgentPid)
{
    public static SoakSettings FromEnvironment()
    {
        static string Get(string name) =>
            Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : throw new InvalidOperationException($"{name} is not set");
        static int? Pid(string name) => int.TryParse(Environment.GetEnvironmentVariable(name), out var pid) ? pid : null;
        return new SoakSettings(
            new Uri(Get("SOAK_SERVER")),
            new Uri(Get("SOAK_APP")),
            Get("SOAK_COOKIE"),
            Get("SOAK_USER"),
            Get("SOAK_PASSWORD"),
            Get("SOAK_SOCKET"),
            Get("SOAK_CA"),
            Get("SOAK_TRUST_DOMAIN"),
            new Uri(Get("SOAK_WORKLOAD_JWKS")),
            Pid("SOAK_SERVER_PID"),
            Pid("SOAK_AGENT_PID"));
    }
}
