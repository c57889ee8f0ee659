using Postern.Configuration;

namespace Postern.Cli.Commands;

/// <summary>What <c>postern agent</c>'s <c>--diag-addr</c>, <c>--diag-addr-public</c> and <c>--log-format</c> ask for.</summary>
internal sealed record AgentDiagnostics(string? Address, bool Public, LogFormat LogFormat);
