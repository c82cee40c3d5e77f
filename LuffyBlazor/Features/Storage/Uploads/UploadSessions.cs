using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LuffyBlazor.Features.Storage.Local;
using Microsoft.Extensions.Options;

namespace LuffyBlazor.Features.Storage.Uploads;

/// <summary>
/// An upload through the app in chunks (tus): where it goes, how long it is, how much has arrived, and the store's own
/// state (the partial file, FastDFS's appender file id). Saved as JSON beside the partial data, so an upload resumes
/// after a page reload or an app restart.
/// </summary>
public sealed record UploadSession(string Id, string Key, string ContentType, long Length, long Offset, bool IsPrivate, DateTimeOffset CreatedAt)
{
    /// <summary>A store's handle on the partial file, e.g. FastDFS's appender file id; null until the first chunk.</summary>
    public string? StoreHandle { get; init; }

    public bool IsComplete => Offset == Length;
}

/// <summary>
/// The folder of uploads in progress (<c>Storage:Uploads:Directory</c>, by default <c>uploads</c> beside the local
/// media root): one-use claims of upload tickets, and the tus sessions with their partial data. Several instances of
/// the app share it like the local media root. Only this class touches it.
/// </summary>
public sealed class UploadSessions
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string directory;
    private readonly string claims;

    public UploadSessions(IOptions<UploadOptions> uploads, IOptions<LocalStorageOptions> local, IHostEnvironment environment)
    {
        directory = string.IsNullOrWhiteSpace(uploads.Value.Directory)
            ? Path.Combine(Path.GetDirectoryName(LocalFileStore.ResolveRoot(local.Value, environment).TrimEnd(Path.DirectorySeparatorChar))!, "uploads")
            : Path.GetFullPath(Path.Combine(environment.ContentRootPath, uploads.Value.Directory));
        claims = Path.Combine(directory, "claims");
        Directory.CreateDirectory(claims);
    }

    public string DirectoryPath => directory;

    /// <summary>
    /// Marks a ticket used; false when it already was (a ticket allows one upload). Creating the marker file is atomic,
    /// so of two requests racing with the same ticket exactly one wins, on one instance or several.
    /// </summary>
    public bool TryClaim(string ticket)
    {
        var marker = Path.Combine(claims, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ticket))));
        try
        {
            using var _ = new FileStream(marker, FileMode.CreateNew, FileAccess.Write);
            return true;
        }
        catch (IOException) when (File.Exists(marker))
        {
            return false;
        }
    }

    /// <summary>A new session with an unguessable id (its URL is the only handle a browser gets).</summary>
    public async Task<UploadSession> CreateAsync(string key, string contentType, long length, bool isPrivate, DateTimeOffset now, CancellationToken ct)
    {
        var session = new UploadSession(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)), key, contentType, length, 0, isPrivate, now);
        await SaveAsync(session, ct);
        return session;
    }

    public async Task<UploadSession?> FindAsync(string id, CancellationToken ct)
    {
        if (!IsId(id) || !File.Exists(StatePath(id)))
        {
            return null;
        }

        await using var file = File.OpenRead(StatePath(id));
        return await JsonSerializer.DeserializeAsync<UploadSession>(file, Json, ct);
    }

    /// <summary>Writes the session beside a temporary name and moves it into place, so a reader never sees half of it.</summary>
    public async Task SaveAsync(UploadSession session, CancellationToken ct)
    {
        var temp = StatePath(session.Id) + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(session, Json), ct);
        File.Move(temp, StatePath(session.Id), overwrite: true);
    }

    /// <summary>The session's partial data, for stores that collect it on the app's disk first.</summary>
    public string DataPath(UploadSession session) => Path.Combine(directory, session.Id + ".part");

    public void Remove(UploadSession session)
    {
        File.Delete(StatePath(session.Id));
        File.Delete(DataPath(session));
    }

    private string StatePath(string id) => Path.Combine(directory, id + ".json");

    private static bool IsId(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);
}

/// <summary>Section <c>Storage:Uploads</c>: uploads through the app in chunks.</summary>
public sealed class UploadOptions
{
    public const string Section = "Storage:Uploads";

    /// <summary>Folder of uploads in progress; empty: <c>uploads</c> beside <c>Storage:Local:Root</c>.</summary>
    public string Directory { get; set; } = "";

    /// <summary>Size of the chunks the browser sends (each one request, each resumable).</summary>
    public int ChunkSize { get; set; } = 8 * 1024 * 1024;

    /// <summary>How long an unfinished upload can be resumed before it is forgotten.</summary>
    public TimeSpan ResumeWindow { get; set; } = TimeSpan.FromDays(1);

    public IEnumerable<string> Problems()
    {
        if (ChunkSize is < 256 * 1024 or > 512 * 1024 * 1024)
        {
            yield return "Storage:Uploads:ChunkSize must be between 262144 (256 KB) and 536870912 (512 MB).";
        }

        if (ResumeWindow < TimeSpan.FromMinutes(10) || ResumeWindow > TimeSpan.FromDays(30))
        {
            yield return "Storage:Uploads:ResumeWindow must be between 00:10:00 and 30.00:00:00.";
        }
    }
}
