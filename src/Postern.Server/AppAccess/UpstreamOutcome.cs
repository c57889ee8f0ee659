using Yarp.ReverseProxy.Forwarder;

namespace Postern.Server.AppAccess;

/// <summary>How a forwarded request ended: the forwarder's error, and whether Postern answered 431 for its header size instead.</summary>
internal sealed record UpstreamOutcome(ForwarderError Error, bool OverBudget);
