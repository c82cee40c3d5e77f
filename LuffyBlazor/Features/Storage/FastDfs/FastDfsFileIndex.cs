using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace LuffyBlazor.Features.Storage.FastDfs;

/// <summary>
/// Which FastDFS file holds a media key. FastDFS names the files it stores (<c>group1/M00/00/00/…</c>); the app's keys
/// (<c>private/videos/…</c>) are its own, so the store keeps this map, in the app's database, shared by every instance.
/// </summary>
public sealed class FastDfsFile
{
    public string Key { get; set; } = "";

    public string FileId { get; set; } = "";

    public long Length { get; set; }

    public DateTime StoredAt { get; set; }
}

public sealed class FastDfsFileConfiguration : IEntityTypeConfiguration<FastDfsFile>
{
    public void Configure(EntityTypeBuilder<FastDfsFile> builder)
    {
        builder.ToTable("FastDfsFiles");
        builder.HasKey(f => f.Key);
        builder.Property(f => f.Key).HasMaxLength(256);
        builder.Property(f => f.FileId).HasMaxLength(256).IsRequired();
    }
}

/// <summary>The key → FastDFS file id map (the database implements it).</summary>
public interface IFastDfsFileIndex
{
    Task<FastDfsFile?> FindAsync(string key, CancellationToken ct = default);

    /// <summary>Points <paramref name="key"/> at <paramref name="fileId"/>; answers the file id it pointed at before, if any.</summary>
    Task<string?> PutAsync(string key, string fileId, long length, DateTime storedAt, CancellationToken ct = default);

    /// <summary>Forgets the key; answers the file id it pointed at, if any.</summary>
    Task<string?> RemoveAsync(string key, CancellationToken ct = default);
}
