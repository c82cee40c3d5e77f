using LuffyBlazor.Features.Storage;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Storage;

/// <summary>The first bytes of a file against what its name says it is.</summary>
public sealed class MediaContentTests
{
    public static TheoryData<string> SeedMedia() =>
    [
        .. Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "wwwroot-assets"), "*.*", SearchOption.AllDirectories)
            .Where(f => MediaRules.TypeOf(f) is not null)
            .Select(f => Path.GetRelativePath(RepositoryPaths.Root, f)),
    ];

    [Theory]
    [MemberData(nameof(SeedMedia))]
    public void Every_seeded_cover_avatar_and_video_is_what_its_name_says(string path)
    {
        var head = File.ReadAllBytes(Path.Combine(RepositoryPaths.Root, path)).Take(MediaContent.HeadLength).ToArray();

        Assert.True(MediaContent.Matches(MediaRules.TypeOf(path)!, head), path);
    }

    [Theory]
    [InlineData(".png", new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0 })]
    [InlineData(".jpg", new byte[] { 0xFF, 0xD8, 0xFF, 0xE0 })]
    [InlineData(".jpeg", new byte[] { 0xFF, 0xD8, 0xFF, 0xDB })]
    [InlineData(".gif", new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61 })]
    [InlineData(".webp", new byte[] { 0x52, 0x49, 0x46, 0x46, 1, 2, 3, 4, 0x57, 0x45, 0x42, 0x50 })]
    [InlineData(".mp4", new byte[] { 0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6F, 0x6D })]
    [InlineData(".webm", new byte[] { 0x1A, 0x45, 0xDF, 0xA3, 0x9F })]
    public void Each_type_is_recognised_by_its_signature(string extension, byte[] head)
    {
        var type = MediaRules.TypeOf("x" + extension)!;

        Assert.True(MediaContent.Matches(type, head));
        Assert.False(MediaContent.Matches(type, "<html></html>"u8));
        Assert.All(MediaRules.Types.Where(t => t.ContentType != type.ContentType), other => Assert.False(MediaContent.Matches(other, head), other.Extension));
    }

    [Theory]
    [InlineData("<svg xmlns=\"http://www.w3.org/2000/svg\"/>", true)]
    [InlineData("\uFEFF<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<!DOCTYPE svg>\n<svg viewBox=\"0 0 1 1\"></svg>", true)]
    [InlineData("<html><body><svg/></body></html>", false)]
    [InlineData("GIF89a<svg>", false)]
    [InlineData("just text", false)]
    public void An_svg_is_xml_text_whose_root_element_is_svg(string text, bool isSvg) =>
        Assert.Equal(isSvg, MediaContent.Matches(MediaRules.TypeOf("a.svg")!, System.Text.Encoding.UTF8.GetBytes(text)));

    [Fact]
    public async Task A_stream_that_cannot_seek_is_checked_and_still_read_whole_from_its_start()
    {
        var bytes = TestMedia.Webm(10_000);

        await using var checkedStream = await MediaContent.RequireAsync(new ForwardOnly(bytes), MediaRules.TypeOf("a.webm")!, default);
        using var copy = new MemoryStream();
        await checkedStream.CopyToAsync(copy);

        Assert.Equal(bytes, copy.ToArray());
    }

    private sealed class ForwardOnly(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
