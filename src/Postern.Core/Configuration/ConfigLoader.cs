using System.Net;
using Postern.Authority;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Postern.Configuration;

/// <summary>
/// Reads <c>postern.yaml</c>: every field optional, defaults filled in, and every problem
/// reported at once with its path in the file (e.g. <c>apps[2].uri: not an absolute URI</c>).
/// </summary>
public static partial class ConfigLoader
{
    private static readonly string[] RootFields =
        ["version", "cluster_name", "public_addr", "listen_addr", "data_dir", "tls", "storage", "app_access", "workload_identity", "authorities", "apps", "trusted_proxies", "diag_addr", "diag_addr_public", "log", "telemetry", "audit"];

    /// <summary>Loads <paramref name="path"/>; a missing file means "all defaults" only when <paramref name="mayBeMissing"/>.</summary>
    /// <exception cref="ConfigException">The file is missing, unreadable or invalid.</exception>
    public static PosternConfig Load(string path, bool mayBeMissing)
    {
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            return mayBeMissing
                ? Parse("", System.IO.Path.GetDirectoryName(fullPath)!, path)
                : throw new ConfigException(path, [new ConfigError("", "file not found")]);
        }

        return Parse(File.ReadAllText(fullPath), System.IO.Path.GetDirectoryName(fullPath)!, path);
    }

    /// <summary>Parses YAML text. Relative paths are taken from <paramref name="baseDir"/>.</summary>
    /// <exception cref="ConfigException">The text is not a valid configuration.</exception>
    public static PosternConfig Parse(string yaml, string baseDir, string source = "postern.yaml")
    {
        if (!YamlText.TryLoad(yaml, out var stream, out var unreadable))
        {
            throw new ConfigException(source, [new ConfigError("", unreadable)]);
        }

        if (stream.Documents.Count > 1)
        {
            throw new ConfigException(source, [new ConfigError("", "holds more than one YAML document")]);
        }

        var root = stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
        var cursor = new YamlCursor();
        var config = Read(cursor, root, baseDir);
        return cursor.Errors.Count == 0 ? config! : throw new ConfigException(source, cursor.Errors);
    }

    private static PosternConfig? Read(YamlCursor c, YamlNode? root, string baseDir)
    {
        var map = c.Mapping(root, "", RootFields);

        var version = c.String(map, "version", "");
        if (version is not null and not "v1")
        {
            c.Error("version", $"unsupported version '{version}' (expected v1)");
        }

        var clusterName = c.String(map, "cluster_name", "") ?? Dns.GetHostName().ToLowerInvariant();
        if (!ClusterNamePattern().IsMatch(clusterName))
        {
            c.Error("cluster_name", $"'{clusterName}' is not a valid name (letters, digits, '.', '-', at most 253 characters)");
        }

        var tls = ReadTls(c, map, baseDir);
        var storage = ReadStorage(c, map);
        var audit = ReadAudit(c, map);

        ListenAddr? listen = null;
        var listenText = c.String(map, "listen_addr", "") ?? $"127.0.0.1:{PosternConfig.DefaultPort}";
        if (!ListenAddr.TryParse(listenText, out listen, out var listenReason))
        {
            c.Error("listen_addr", listenReason);
        }

        PublicAddr? publicAddr = null;
        var publicText = c.String(map, "public_addr", "");
        if (publicText is not null && !PublicAddr.TryParse(publicText, tls.Disabled, out publicAddr, out var publicReason))
        {
            c.Error("public_addr", $"'{publicText}' {publicReason}");
        }

        var dataDir = c.String(map, "data_dir", "") ?? "data";
        if (dataDir.Length == 0 || dataDir.IndexOf('\0') >= 0)
        {
            c.Error("data_dir", "must be a folder path");
        }

        var appAccess = ReadAppAccess(c, map);
        var workloadIdentity = ReadWorkloadIdentity(c, map);
        var authorities = ReadAuthorities(c, map);
        var apps = AppConfigReader.Read(c, map, publicAddr);
        var trustedProxies = ReadTrustedProxies(c, map);
        var diagAddr = ReadDiagAddr(c, map, listen);
        var log = ReadLog(c, map);
        var telemetry = ReadTelemetry(c, map);

        if (listen is null)
        {
            return null;
        }

        var config = new PosternConfig
        {
            ClusterName = clusterName,
            PublicAddr = publicAddr,
            ListenAddr = listen,
            DataDir = System.IO.Path.GetFullPath(dataDir, baseDir),
            Tls = tls,
            Storage = storage,
            Audit = audit,
            AppAccess = appAccess,
            WorkloadIdentity = workloadIdentity,
            Authorities = authorities,
            Apps = apps,
            TrustedProxies = trustedProxies,
            DiagAddr = diagAddr,
            Log = log,
            Telemetry = telemetry,
        };

        foreach (var type in CertAuthorityTypes.All)
        {
            if (authorities.For(type).Rotation?.Grace is { } grace && config.MinimumRotationGrace(type) is var (minimum, reason) && grace < minimum)
            {
                c.Error($"authorities.{type.Name()}.rotation.grace", $"'{Durations.Format(grace)}' is shorter than the {Durations.Format(minimum)} this authority needs: {reason}");
            }
        }

        // A CA certificate must still be valid when the key after it takes over, two phases after the rotation starts.
        if (authorities.X509.Rotation is { } x509Rotation
            && x509Rotation.Every + (2 * (x509Rotation.Grace ?? config.MinimumRotationGrace(CertAuthorityType.X509).Grace)) >= workloadIdentity.X509.CaTtl)
        {
            c.Error("authorities.x509.rotation.every", $"'{Durations.Format(x509Rotation.Every)}' plus two grace periods is not shorter than workload_identity.x509.ca_ttl ({Durations.Format(workloadIdentity.X509.CaTtl)}): the CA certificate would expire before the next key signs");
        }

        return config;
    }

    private static TlsConfig ReadTls(YamlCursor c, Dictionary<string, YamlNode>? root, string baseDir)
    {
        var map = root is not null && root.TryGetValue("tls", out var node) ? c.Mapping(node, "tls", "cert_file", "key_file", "disabled") : null;
        var cert = c.String(map, "cert_file", "tls");
        var key = c.String(map, "key_file", "tls");
        var disabled = c.Bool(map, "disabled", "tls") ?? false;
        if ((cert is null) != (key is null))
        {
            c.Error(cert is null ? "tls.cert_file" : "tls.key_file", cert is null ? "required when key_file is set" : "required when cert_file is set");
        }

        if (disabled && cert is not null)
        {
            c.Error("tls.disabled", "cannot be true while cert_file and key_file are set");
        }

        foreach (var (field, file) in new[] { ("cert_file", cert), ("key_file", key) })
        {
            if (file is not null && !File.Exists(System.IO.Path.GetFullPath(file, baseDir)))
            {
                c.Error($"tls.{field}", $"file '{file}' not found");
            }
        }

        return new TlsConfig
        {
            CertFile = cert is null ? null : System.IO.Path.GetFullPath(cert, baseDir),
            KeyFile = key is null ? null : System.IO.Path.GetFullPath(key, baseDir),
            Disabled = disabled,
        };
    }

    private static StorageConfig ReadStorage(YamlCursor c, Dictionary<string, YamlNode>? root)
    {
        var map = root is not null && root.TryGetValue("storage", out var node) ? c.Mapping(node, "storage", "type", "conn_string") : null;
        var type = c.String(map, "type", "storage") ?? StorageConfig.Sqlite;
        var conn = c.String(map, "conn_string", "storage");
        switch (type)
        {
            case StorageConfig.Sqlite when conn is not null:
                c.Error("storage.conn_string", "applies to type postgres only");
                break;
            case StorageConfig.Sqlite:
                break;
            case StorageConfig.Postgres when conn is null:
                c.Error("storage.conn_string", "required for type postgres (e.g. 'Host=db.example.com;Database=postern;Username=postern')");
                break;
            case StorageConfig.Postgres when ConnectionStringProblem(conn) is { } problem:
                c.Error("storage.conn_string", problem);
                break;
            case StorageConfig.Postgres:
                break;
            default:
                c.Error("storage.type", $"unknown type '{type}' (expected sqlite or postgres)");
                break;
        }

        return new StorageConfig { Type = type, ConnString = conn };
    }

    /// <summary>
    /// Why <paramref name="conn"/> is not a connection string of <c>key=value</c> pairs, or <c>null</c>. The keys
    /// themselves are the driver's to check, when the store is opened; the text is never echoed, as it may
    /// hold a password.
    /// </summary>
    private static string? ConnectionStringProblem(string conn)
    {
        if (string.IsNullOrWhiteSpace(conn))
        {
            return "must not be empty";
        }

        try
        {
            var pairs = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = conn };
            return pairs.Count == 0 ? "holds no key=value pair" : null;
        }
        catch (ArgumentException)
        {
            return "is not a list of key=value pairs separated by ';' (e.g. 'Host=db.example.com;Database=postern')";
        }
    }

    private static AuditConfig ReadAudit(YamlCursor c, Dictionary<string, YamlNode>? root)
    {
        var map = root is not null && root.TryGetValue("audit", out var node) ? c.Mapping(node, "audit", "retention", "checkpoint_interval", "journal", "file_sink") : null;
        var defaults = new AuditConfig();
        var sink = map is not null && map.TryGetValue("file_sink", out var sinkNode) ? c.Mapping(sinkNode, "audit.file_sink", "path", "max_size_mb", "keep") : null;
        var path = c.String(sink, "path", "audit.file_sink");
        if (sink is not null && path is null)
        {
            c.Error("audit.file_sink.path", "required: the JSON-lines file to write, e.g. /var/log/postern/audit.jsonl");
        }
        else if (path is not null && !Path.IsPathFullyQualified(path))
        {
            c.Error("audit.file_sink.path", $"'{path}' must be an absolute path");
        }

        var megabytes = c.Integer(sink, "max_size_mb", "audit.file_sink") ?? (int)(defaults.FileSinkMaxBytes / (1024 * 1024));
        if (megabytes is < 1 or > 100_000)
        {
            c.Error("audit.file_sink.max_size_mb", $"'{megabytes}' is out of range (1 to 100000)");
        }

        var keep = c.Integer(sink, "keep", "audit.file_sink") ?? defaults.FileSinkKeep;
        if (keep is < 1 or > 1000)
        {
            c.Error("audit.file_sink.keep", $"'{keep}' is out of range (1 to 1000)");
        }

        return new AuditConfig
        {
            Retention = Duration(c, map, "audit", "retention", defaults.Retention, TimeSpan.FromDays(1), TimeSpan.FromDays(36500)),
            CheckpointInterval = Duration(c, map, "audit", "checkpoint_interval", defaults.CheckpointInterval, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1)),
            Journal = c.Bool(map, "journal", "audit"),
            FileSink = path,
            FileSinkMaxBytes = megabytes * 1024L * 1024,
            FileSinkKeep = keep,
        };
    }

    private static AppAccessConfig ReadAppAccess(YamlCursor c, Dictionary<string, YamlNode>? root)
    {
        var map = root is not null && root.TryGetValue("app_access", out var node) ? c.Mapping(node, "app_access", "assertion_ttl", "session_ttl") : null;
        var defaults = new AppAccessConfig();
        var assertion = Duration(c, map, "app_access", "assertion_ttl", defaults.AssertionTtl, TimeSpan.FromSeconds(5), TimeSpan.FromHours(1));
        var session = Duration(c, map, "app_access", "session_ttl", defaults.SessionTtl, TimeSpan.FromMinutes(1), TimeSpan.FromDays(30));
        return new AppAccessConfig { AssertionTtl = assertion, SessionTtl = session };
    }

    private static WorkloadIdentityConfig ReadWorkloadIdentity(YamlCursor c, Dictionary<string, YamlNode>? root)
    {
        var map = root is not null && root.TryGetValue("workload_identity", out var node) ? c.Mapping(node, "workload_identity", "trust_domain", "default_ttl", "max_ttl", "x509") : null;
        var defaults = new WorkloadIdentityConfig();
        var trustDomain = c.String(map, "trust_domain", "workload_identity");
        if (trustDomain is not null && WorkloadIdentity.SpiffeId.CheckTrustDomain(trustDomain) is { } bad)
        {
            c.Error("workload_identity.trust_domain", bad);
        }

        // An SVID lives at least 5 s (short lifetimes make rotation tests quick) and at most a day (AWS and GCP refuse longer tokens).
        var maxTtl = Duration(c, map, "workload_identity", "max_ttl", defaults.MaxTtl, TimeSpan.FromSeconds(5), TimeSpan.FromDays(1));
        var defaultTtl = Duration(c, map, "workload_identity", "default_ttl", defaults.DefaultTtl, TimeSpan.FromSeconds(5), TimeSpan.FromDays(1));
        if (defaultTtl > maxTtl)
        {
            c.Error("workload_identity.default_ttl", $"'{Durations.Format(defaultTtl)}' is longer than max_ttl ({Durations.Format(maxTtl)})");
        }

        return new WorkloadIdentityConfig { TrustDomain = trustDomain, DefaultTtl = defaultTtl, MaxTtl = maxTtl, X509 = ReadX509Svids(c, map) };
    }

    private static X509SvidConfig ReadX509Svids(YamlCursor c, Dictionary<string, YamlNode>? workloadIdentity)
    {
        const string Section = "workload_identity.x509";
        var map = workloadIdentity is not null && workloadIdentity.TryGetValue("x509", out var node) ? c.Mapping(node, Section, "default_ttl", "max_ttl", "ca_ttl") : null;
        var defaults = new X509SvidConfig();
        var maxTtl = Duration(c, map, Section, "max_ttl", defaults.MaxTtl, TimeSpan.FromSeconds(5), TimeSpan.FromDays(30));
        var defaultTtl = Duration(c, map, Section, "default_ttl", defaults.DefaultTtl < maxTtl ? defaults.DefaultTtl : maxTtl, TimeSpan.FromSeconds(5), TimeSpan.FromDays(30));
        var caTtl = Duration(c, map, Section, "ca_ttl", defaults.CaTtl, TimeSpan.FromMinutes(1), TimeSpan.FromDays(3650));
        if (defaultTtl > maxTtl)
        {
            c.Error($"{Section}.default_ttl", $"'{Durations.Format(defaultTtl)}' is longer than max_ttl ({Durations.Format(maxTtl)})");
        }

        if (maxTtl >= caTtl)
        {
            c.Error($"{Section}.max_ttl", $"'{Durations.Format(maxTtl)}' is not shorter than ca_ttl ({Durations.Format(caTtl)}): an SVID never outlives its CA certificate");
        }

        return new X509SvidConfig { DefaultTtl = defaultTtl, MaxTtl = maxTtl, CaTtl = caTtl };
    }

    private static AuthoritiesConfig ReadAuthorities(YamlCursor c, Dictionary<string, YamlNode>? root)
    {
        const string Section = "authorities";
        var map = root is not null && root.TryGetValue(Section, out var node) ? c.Mapping(node, Section, "key_set_max_age", "clock_skew", "jwt", "workload", "x509") : null;
        var defaults = new AuthoritiesConfig();
        return new AuthoritiesConfig
        {
            KeySetMaxAge = Duration(c, map, Section, "key_set_max_age", defaults.KeySetMaxAge, TimeSpan.Zero, TimeSpan.FromDays(1)),
            ClockSkew = Duration(c, map, Section, "clock_skew", defaults.ClockSkew, TimeSpan.Zero, TimeSpan.FromHours(1)),
            Jwt = ReadAuthority(c, map, "jwt"),
            Workload = ReadAuthority(c, map, "workload"),
            X509 = ReadAuthority(c, map, "x509", defaults.X509.Algorithm),
        };
    }

    private static AuthorityConfig ReadAuthority(YamlCursor c, Dictionary<string, YamlNode>? authorities, string name, string defaultAlgorithm = SigningAlgorithm.RS256)
    {
        var path = $"authorities.{name}";
        var map = authorities is not null && authorities.TryGetValue(name, out var node) ? c.Mapping(node, path, "keys", "rotation") : null;
        var keys = map is not null && map.TryGetValue("keys", out var keysNode) ? c.Mapping(keysNode, $"{path}.keys", "algorithm", "pkcs11") : null;
        var algorithm = c.String(keys, "algorithm", $"{path}.keys") ?? defaultAlgorithm;
        if (algorithm is not (SigningAlgorithm.RS256 or SigningAlgorithm.ES256))
        {
            c.Error($"{path}.keys.algorithm", $"unsupported algorithm '{algorithm}' (expected RS256 or ES256)");
            algorithm = SigningAlgorithm.RS256;
        }

        Pkcs11Config? pkcs11 = null;
        if (keys is not null && keys.TryGetValue("pkcs11", out var pkcs11Node))
        {
            var hsmPath = $"{path}.keys.pkcs11";
            var hsm = c.Mapping(pkcs11Node, hsmPath, "module", "slot", "token_label", "pin_env");
            var module = c.String(hsm, "module", hsmPath);
            var slot = c.Integer(hsm, "slot", hsmPath);
            var label = c.String(hsm, "token_label", hsmPath);
            var pinEnv = c.String(hsm, "pin_env", hsmPath);
            if (module is null)
            {
                c.Error($"{hsmPath}.module", "required: the path of the PKCS#11 module");
            }
            else if (!System.IO.Path.IsPathRooted(module))
            {
                c.Error($"{hsmPath}.module", $"'{module}' is not an absolute path");
            }

            if ((slot is null) == (label is null))
            {
                c.Error(hsmPath, "give exactly one of slot and token_label");
            }
            else if (slot < 0)
            {
                c.Error($"{hsmPath}.slot", $"'{slot}' is not a slot id");
            }

            if (pinEnv is null)
            {
                c.Error($"{hsmPath}.pin_env", "required: the environment variable that holds the user PIN");
            }

            if (module is not null && pinEnv is not null)
            {
                pkcs11 = new Pkcs11Config { Module = module, Slot = slot is >= 0 ? (ulong)slot : null, TokenLabel = label, PinEnv = pinEnv };
            }
        }

        RotationSchedule? rotation = null;
        if (map is not null && map.TryGetValue("rotation", out var rotationNode))
        {
            var rotationPath = $"{path}.rotation";
            var schedule = c.Mapping(rotationNode, rotationPath, "every", "grace");
            var every = Duration(c, schedule, rotationPath, "every", TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromDays(3650));
            TimeSpan? grace = c.String(schedule, "grace", rotationPath) is null ? null : Duration(c, schedule, rotationPath, "grace", TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromDays(30));
            if (every == TimeSpan.Zero)
            {
                c.Error($"{rotationPath}.every", "required: how long a key signs before the next rotation starts (e.g. 90d)");
            }
            else
            {
                rotation = new RotationSchedule { Every = every, Grace = grace };
            }
        }

        return new AuthorityConfig { Algorithm = algorithm, Pkcs11 = pkcs11, Rotation = rotation };
    }

    private static TimeSpan Duration(YamlCursor c, Dictionary<string, YamlNode>? map, string section, string field, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        if (c.String(map, field, section) is not { } text)
        {
            return fallback;
        }

        if (!Durations.TryParse(text, out var value, out var reason))
        {
            c.Error($"{section}.{field}", reason);
            return fallback;
        }

        if (value < min || value > max)
        {
            c.Error($"{section}.{field}", $"'{text}' is out of range ({Durations.Format(min)} to {Durations.Format(max)})");
            return fallback;
        }

        return value;
    }

    [GeneratedRegex(@"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")]
    private static partial Regex ClusterNamePattern();
}
