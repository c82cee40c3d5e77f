using System.Buffers.Binary;
using System.Text;

namespace LuffyBlazor.Features.Storage.FastDfs;

/// <summary>
/// FastDFS's wire format, from its protocol description (<c>tracker_proto.h</c>, the storage commands): every packet is a
/// 10-byte header — the body length as 8 bytes big-endian, a command byte, a status byte (an errno, 0 for success) —
/// then the body. Numbers in bodies are 8 bytes big-endian; group names are 16 bytes padded with NULs; a file id is
/// <c>group/remote-filename</c>; metadata is <c>name\x02value</c> records joined by <c>\x01</c>.
/// </summary>
public static class FastDfsProtocol
{
    public const int HeaderLength = 10;
    public const int NumberLength = 8;
    public const int GroupNameLength = 16;
    public const int IpAddressLength = 16;
    public const int ExtensionLength = 6;

    // Common commands.
    public const byte Quit = 82;
    public const byte ActiveTest = 111;
    public const byte Response = 100;

    // Client to tracker.
    public const byte QueryStoreWithoutGroup = 101;
    public const byte QueryFetchOne = 102;
    public const byte QueryUpdate = 103;
    public const byte QueryStoreWithGroup = 104;

    // Client to storage.
    public const byte UploadFile = 11;
    public const byte DeleteFile = 12;
    public const byte SetMetadata = 13;
    public const byte DownloadFile = 14;
    public const byte GetMetadata = 15;
    public const byte QueryFileInfo = 22;
    public const byte UploadAppenderFile = 23;
    public const byte AppendFile = 24;

    public const byte RecordSeparator = 0x01;
    public const byte FieldSeparator = 0x02;

    /// <summary>The tracker's answer to a store query: group, IP (15 bytes), port, store path index.</summary>
    public const int StoreAnswerLength = GroupNameLength + IpAddressLength - 1 + NumberLength + 1;

    /// <summary>The tracker's answer to a fetch or update query: group, IP (15 bytes), port.</summary>
    public const int FetchAnswerLength = GroupNameLength + IpAddressLength - 1 + NumberLength;

    /// <summary>A storage server's answer to query file info: size, creation time, CRC32, source IP.</summary>
    public const int FileInfoLength = 3 * NumberLength + IpAddressLength;

    public static byte[] Header(long bodyLength, byte command, byte status = 0)
    {
        var header = new byte[HeaderLength];
        BinaryPrimitives.WriteInt64BigEndian(header, bodyLength);
        header[8] = command;
        header[9] = status;
        return header;
    }

    public static (long BodyLength, byte Command, byte Status) ReadHeader(ReadOnlySpan<byte> header) =>
        (BinaryPrimitives.ReadInt64BigEndian(header), header[8], header[9]);

    public static void WriteNumber(Span<byte> target, long value) => BinaryPrimitives.WriteInt64BigEndian(target, value);

    public static long ReadNumber(ReadOnlySpan<byte> source) => BinaryPrimitives.ReadInt64BigEndian(source);

    /// <summary>UTF-8 text in a field of <paramref name="length"/> bytes, padded with NULs.</summary>
    public static void WriteFixed(Span<byte> target, string text, int length)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > length)
        {
            throw new ArgumentException($"'{text}' is longer than the {length} bytes FastDFS allows here.", nameof(text));
        }

        target[..length].Clear();
        bytes.CopyTo(target);
    }

    public static string ReadFixed(ReadOnlySpan<byte> field) => Encoding.UTF8.GetString(field).TrimEnd('\0').Trim();

    /// <summary><c>group1/M00/00/00/abc.mp4</c> → (<c>group1</c>, <c>M00/00/00/abc.mp4</c>).</summary>
    public static (string Group, string RemoteName) SplitFileId(string fileId)
    {
        var slash = fileId.IndexOf('/');
        if (slash <= 0 || slash == fileId.Length - 1 || slash > GroupNameLength)
        {
            throw new ArgumentException($"'{fileId}' is not a FastDFS file id (group/remote-filename).", nameof(fileId));
        }

        return (fileId[..slash], fileId[(slash + 1)..]);
    }

    /// <summary>A group name and a remote file name, as the storage commands that name a file carry them.</summary>
    public static byte[] FileIdBody(string fileId)
    {
        var (group, name) = SplitFileId(fileId);
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var body = new byte[GroupNameLength + nameBytes.Length];
        WriteFixed(body, group, GroupNameLength);
        nameBytes.CopyTo(body, GroupNameLength);
        return body;
    }

    public static byte[] EncodeMetadata(IReadOnlyDictionary<string, string> metadata)
    {
        var text = string.Join((char)RecordSeparator, metadata.Select(m => m.Key + (char)FieldSeparator + m.Value));
        return Encoding.UTF8.GetBytes(text);
    }

    public static Dictionary<string, string> DecodeMetadata(ReadOnlySpan<byte> data)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (data.IsEmpty)
        {
            return result;
        }

        foreach (var record in Encoding.UTF8.GetString(data).Split((char)RecordSeparator))
        {
            var field = record.Split((char)FieldSeparator, 2);
            result[field[0]] = field.Length > 1 ? field[1] : "";
        }

        return result;
    }
}

/// <summary>
/// A FastDFS server refused a request (the header's status, an errno) or could not be reached (status 0).
/// <see cref="Exception.Message"/> says what it means.
/// </summary>
public sealed class FastDfsException(int status, string message, Exception? inner = null)
    : Exception($"FastDFS{(status == 0 ? "" : $" error {status}")}: {Describe(status)}{(string.IsNullOrEmpty(message) ? "" : " — " + message)}.", inner)
{
    public const int NoSuchFile = 2;

    public int Status { get; } = status;

    public static string Describe(int status) => status switch
    {
        0 => "the server could not be reached or did not answer in time (check Storage:FastDfs:Trackers and the storage servers they name)",
        2 => "no such file (ENOENT)",
        5 => "the storage server had an I/O error (EIO)",
        13 => "permission denied (EACCES)",
        16 => "the file is busy (EBUSY)",
        17 => "the file exists (EEXIST)",
        22 => "the request was invalid (EINVAL)",
        28 => "no space left on the storage server (ENOSPC)",
        95 => "not supported by this server (EOPNOTSUPP)",
        _ => "the server refused the request",
    };
}
