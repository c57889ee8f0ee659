using System.Text.Json.Nodes;

namespace Postern.Audit;

/// <summary>
/// Who caused an audit event, and from which client address: written into every event's fields as
/// <c>actor: {kind, name}</c> and <c>client_addr</c> by <see cref="Stamp"/>.
/// </summary>
public sealed record AuditActor(string Kind, string Name, string? ClientAddr = null)
{
    public const string UserKind = "user";
    public const string BotKind = "bot";
    public const string LocalAdminKind = "local-admin";
    public const string SystemKind = "system";

    /// <summary>The name of the break-glass identity of <c>data_dir/admin.json</c>.</summary>
    public const string LocalAdminName = "local-admin";

    /// <summary>Postern itself (a start, an automatic rotation step, a tally).</summary>
    public static AuditActor System { get; } = new(SystemKind, "postern");

    public static AuditActor User(string name, string? clientAddr) => new(UserKind, name, clientAddr);

    public static AuditActor Bot(string name, string? clientAddr) => new(BotKind, name, clientAddr);

    public static AuditActor LocalAdmin(string? clientAddr) => new(LocalAdminKind, LocalAdminName, clientAddr);

    /// <summary>Adds <c>actor</c> and <c>client_addr</c> to <paramref name="fields"/> and returns them.</summary>
    public JsonObject Stamp(JsonObject fields)
    {
        fields["actor"] = new JsonObject { ["kind"] = Kind, ["name"] = Name };
        fields["client_addr"] = ClientAddr;
        return fields;
    }
}
