using System.Xml;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Tests.Infrastructure;

namespace LuffyBlazor.Tests.Courses;

public sealed class SeedMediaTests
{
    private static readonly string Assets = Path.Combine(RepositoryPaths.Root, "wwwroot-assets");

    [Fact]
    public void Every_seed_svg_is_well_formed_xml_so_browsers_render_it()
    {
        var files = Directory.GetFiles(Assets, "*.svg", SearchOption.AllDirectories);

        Assert.NotEmpty(files);
        Assert.All(files, file => new XmlDocument().Load(file));
    }

    [Fact]
    public void Every_cover_and_avatar_the_seed_names_exists()
    {
        var keys = CatalogueSeedData.Courses.Select(c => c.Cover).Concat(CatalogueSeedData.Teachers.Select(t => t.Avatar));

        Assert.All(keys, key => Assert.True(File.Exists(Path.Combine(Assets, key)), $"missing {key}"));
    }
}
