using System.Text.Json.Serialization;

namespace Postern.Server.AppAccess;

/// <summary>The JSON contract of <see cref="WorkloadRefusal"/>.</summary>
[JsonSerializable(typeof(WorkloadRefusal))]
internal sealed partial class WorkloadRefusalJson : JsonSerializerContext;
