using System.Text;

namespace LuffyBlazor.Features.Storage.FastDfs;

/// <summary>Section <c>Storage:FastDfs</c>: a FastDFS cluster reached through its trackers.</summary>
public sealed class FastDfsOptions
{
    public const string Section = "Storage:FastDfs";
    public const string DevelopmentKeyFile = "fastdfs_signing_key.txt";

    /// <summary>Tracker servers, <c>host:port</c>, comma-separated, tried in order (22122 is FastDFS's default port).</summary>
    public string Trackers { get; set; } = "";

    /// <summary>The group to store new files in; empty: the tracker chooses.</summary>
    public string Group { get; set; } = "";

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest wait for one network step (a write, a read) once connected.</summary>
    public TimeSpan NetworkTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Size of each append when a file of unknown length is stored (an appender file grown chunk by chunk).</summary>
    public int ChunkSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>URL path the app serves the files under (FastDFS files are streamed through the app, with ranges).</summary>
    public string RequestPath { get; set; } = "/media";

    /// <summary>HMAC key (at least 32 bytes) of the signed URLs of private files; generated into <c>keys/</c> in Development.</summary>
    public string SigningKey { get; set; } = "";

    public IReadOnlyList<(string Host, int Port)> TrackerEndpoints =>
        Trackers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(t => t.LastIndexOf(':') is var colon and > 0 && int.TryParse(t[(colon + 1)..], out var port) && port is > 0 and < 65536
                ? (t[..colon].Trim('[', ']'), port)
                : (t, 0))
            .ToList();

    public IEnumerable<string> Problems()
    {
        if (TrackerEndpoints.Count == 0)
        {
            yield return "Storage:FastDfs:Trackers is required when Storage:Provider is FastDfs: tracker servers as host:port, comma-separated (e.g. 10.0.0.5:22122,10.0.0.6:22122).";
        }

        foreach (var (host, port) in TrackerEndpoints.Where(t => t.Port == 0))
        {
            yield return $"Storage:FastDfs:Trackers: '{host}' is not host:port (e.g. 10.0.0.5:22122).";
        }

        if (Encoding.UTF8.GetByteCount(Group) > FastDfsProtocol.GroupNameLength)
        {
            yield return $"Storage:FastDfs:Group '{Group}' is longer than FastDFS's {FastDfsProtocol.GroupNameLength} bytes.";
        }

        if (ConnectTimeout < TimeSpan.FromMilliseconds(100) || ConnectTimeout > TimeSpan.FromMinutes(5))
        {
            yield return "Storage:FastDfs:ConnectTimeout must be between 00:00:00.1 and 00:05:00.";
        }

        if (NetworkTimeout < TimeSpan.FromSeconds(1) || NetworkTimeout > TimeSpan.FromHours(1))
        {
            yield return "Storage:FastDfs:NetworkTimeout must be between 00:00:01 and 01:00:00.";
        }

        if (ChunkSize is < 64 * 1024 or > 256 * 1024 * 1024)
        {
            yield return "Storage:FastDfs:ChunkSize must be between 65536 (64 KB) and 268435456 (256 MB).";
        }

        if (!RequestPath.StartsWith('/') || RequestPath.TrimEnd('/').Length < 2)
        {
            yield return $"Storage:FastDfs:RequestPath must be a URL path such as /media, not '{RequestPath}'.";
        }

        foreach (var problem in MediaSigningKeys.Problems(SigningKey, "Storage:FastDfs:SigningKey"))
        {
            yield return problem;
        }
    }
}
