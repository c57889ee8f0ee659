namespace Postern.Bench.Soak;

/// <summary>The kinds of request in the mix.</summary>
internal enum RequestKind
{
    /// <summary>GET through the app proxy with a signed-in app session.</summary>
    App,

    /// <summary>POST /v1/login with a password.</summary>
    SignIn,

    /// <summary>FetchJWTSVID through the agent's Workload API, for an audience never asked before (a real issuance).</summary>
    Svid,
}
