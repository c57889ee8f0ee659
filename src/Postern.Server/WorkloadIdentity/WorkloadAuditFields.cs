using System.Text.Json.Nodes;
using Postern.WorkloadIdentity;

namespace Postern.Server.WorkloadIdentity;

/// <summary>The caller's attested attributes and join labels, as the SVID audit events record them.</summary>
internal static class WorkloadAuditFields
{
    public static JsonObject Attributes(WorkloadCaller caller)
    {
        var attributes = new JsonObject();
        if (caller.Unix is { } unix)
        {
            attributes["workload.unix.uid"] = unix.Uid;
            attributes["workload.unix.gid"] = unix.Gid;
            attributes["workload.unix.pid"] = unix.Pid;
            attributes["workload.unix.exe"] = unix.Exe;
            attributes[WorkloadAttributes.ExeSha256] = unix.ExeSha256;
        }

        foreach (var (key, value) in caller.JoinLabels)
        {
            attributes[WorkloadAttributes.JoinLabelsPrefix + key] = value;
        }

        return attributes;
    }
}
