using System.Buffers.Binary;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace LuffyBlazor.Tests.Infrastructure;

/// <summary>The storage server's commands: upload, append, download, delete, metadata and file info.</summary>
public sealed partial class FakeFastDfs
{
    private Task ServeStorageAsync(NetworkStream stream) => ServeAsync(stream, "storage", async (s, command, length) =>
    {
        switch (command)
        {
            case 11 or 23:
                await UploadAsync(s, length, appender: command == 23);
                break;
            case 24:
                await AppendAsync(s, length);
                break;
            case 14:
                await DownloadAsync(s, await ReadAsync(s, length));
                break;
            case 12 or 15 or 22:
                await FileCommandAsync(s, command, await ReadAsync(s, length));
                break;
            case 13:
                await SetMetadataAsync(s, await ReadAsync(s, length));
                break;
            default:
                await ReadAsync(s, length);
                await AnswerAsync(s, 22, []);
                break;
        }
    });

    // store path index(1) + file size(8) + ext(6) + content
    private async Task UploadAsync(NetworkStream s, long length, bool appender)
    {
        var head = await ReadAsync(s, 15);
        var size = BinaryPrimitives.ReadInt64BigEndian(head.AsSpan(1));
        if (length != 15 + size || head[0] != 0)
        {
            await AnswerAsync(s, 22, []);
            return;
        }

        var ext = Text(head.AsSpan(9, 6));
        var name = $"M00/00/00/{Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_')}{(ext.Length > 0 ? "." + ext : "")}";
        var file = new StoredFile(Path.Combine(folder, Guid.NewGuid().ToString("N")), appender, DateTimeOffset.UtcNow);
        await using (var target = new FileStream(file.Path, FileMode.CreateNew))
        {
            await CopyAsync(s, target, size, file.Crc);
        }

        Files[name] = file;
        var answer = new byte[GroupLength + Encoding.UTF8.GetByteCount(name)];
        Encoding.UTF8.GetBytes(Group).CopyTo(answer, 0);
        Encoding.UTF8.GetBytes(name).CopyTo(answer, GroupLength);
        await AnswerAsync(s, 0, answer);
    }

    // filename length(8) + file size(8) + filename + content
    private async Task AppendAsync(NetworkStream s, long length)
    {
        var head = await ReadAsync(s, 16);
        var nameLength = BinaryPrimitives.ReadInt64BigEndian(head);
        var size = BinaryPrimitives.ReadInt64BigEndian(head.AsSpan(8));
        var name = Encoding.UTF8.GetString(await ReadAsync(s, nameLength));
        if (length != 16 + nameLength + size || !Files.TryGetValue(name, out var file) || !file.Appender)
        {
            await CopyAsync(s, Stream.Null, length - 16 - nameLength, null);
            await AnswerAsync(s, (byte)(Files.ContainsKey(name) ? 22 : 2), []);
            return;
        }

        await file.Lock.WaitAsync();
        try
        {
            await using var target = new FileStream(file.Path, FileMode.Append);
            await CopyAsync(s, target, size, file.Crc);
        }
        finally
        {
            file.Lock.Release();
        }

        await AnswerAsync(s, 0, []);
    }

    // offset(8) + bytes(8, 0: to the end) + group(16) + filename
    private async Task DownloadAsync(NetworkStream s, byte[] body)
    {
        var offset = BinaryPrimitives.ReadInt64BigEndian(body);
        var bytes = BinaryPrimitives.ReadInt64BigEndian(body.AsSpan(8));
        if (Find(body.AsSpan(16)) is not { } file)
        {
            await AnswerAsync(s, 2, []);
            return;
        }

        await using var source = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (offset < 0 || offset > source.Length || bytes < 0 || offset + bytes > source.Length)
        {
            await AnswerAsync(s, 22, []);
            return;
        }

        var count = bytes == 0 ? source.Length - offset : bytes;
        source.Position = offset;
        await s.WriteAsync(Header(count, 0));
        await CopyAsync(source, s, count, null);
    }

    private async Task FileCommandAsync(NetworkStream s, byte command, byte[] body)
    {
        var name = NameOf(body);
        if (Find(body) is not { } file)
        {
            await AnswerAsync(s, 2, []);
            return;
        }

        switch (command)
        {
            case 12:
                Files.TryRemove(name!, out _);
                File.Delete(file.Path);
                await AnswerAsync(s, 0, []);
                break;
            case 15:
                await AnswerAsync(s, 0, Encoding.UTF8.GetBytes(string.Join('\x01', file.Metadata.Select(m => m.Key + '\x02' + m.Value))));
                break;
            default:
                var info = new byte[40];
                BinaryPrimitives.WriteInt64BigEndian(info, new FileInfo(file.Path).Length);
                BinaryPrimitives.WriteInt64BigEndian(info.AsSpan(8), file.CreatedAt.ToUnixTimeSeconds());
                BinaryPrimitives.WriteInt64BigEndian(info.AsSpan(16), file.Crc.GetCurrentHashAsUInt32());
                Encoding.ASCII.GetBytes("127.0.0.1").CopyTo(info, 24);
                await AnswerAsync(s, 0, info);
                break;
        }
    }

    // filename length(8) + meta length(8) + flag(1: O overwrite, M merge) + group(16) + filename + meta
    private async Task SetMetadataAsync(NetworkStream s, byte[] body)
    {
        var nameLength = (int)BinaryPrimitives.ReadInt64BigEndian(body);
        var metaLength = (int)BinaryPrimitives.ReadInt64BigEndian(body.AsSpan(8));
        var flag = (char)body[16];
        var idPart = body.AsSpan(17, GroupLength + nameLength);
        if (body.Length != 17 + GroupLength + nameLength + metaLength || flag is not ('O' or 'M') || Find(idPart) is not { } file)
        {
            await AnswerAsync(s, (byte)(flag is 'O' or 'M' ? 2 : 22), []);
            return;
        }

        if (flag == 'O')
        {
            file.Metadata.Clear();
        }

        var text = Encoding.UTF8.GetString(body, body.Length - metaLength, metaLength);
        foreach (var record in text.Split('\x01', StringSplitOptions.RemoveEmptyEntries))
        {
            var field = record.Split('\x02', 2);
            file.Metadata[field[0]] = field.Length > 1 ? field[1] : "";
        }

        await AnswerAsync(s, 0, []);
    }

    private StoredFile? Find(ReadOnlySpan<byte> groupAndName) =>
        NameOf(groupAndName) is { } name && Files.TryGetValue(name, out var file) ? file : null;

    private static string? NameOf(ReadOnlySpan<byte> groupAndName) =>
        groupAndName.Length > GroupLength && Text(groupAndName[..GroupLength]) == Group ? Encoding.UTF8.GetString(groupAndName[GroupLength..]) : null;
}
