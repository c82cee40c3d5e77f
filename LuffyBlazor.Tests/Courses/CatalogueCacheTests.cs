using LuffyBlazor.Data;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Courses;

/// <summary>Catalogue reads are cached, and a change to the catalogue is visible as soon as it is announced.</summary>
public sealed class CatalogueCacheTests
{
    [Fact]
    public async Task A_price_change_shows_once_the_catalogue_is_invalidated_and_searches_always_read_the_database()
    {
        using var app = new LuffyAppFactory();
        app.CreateClient();
        var catalog = app.Services.GetRequiredService<CourseCatalog>();
        var before = (await catalog.SearchAsync(new CatalogueQuery())).Items.Single(c => c.Id == 1).Price;
        var detailsBefore = (await catalog.GetDetailsAsync(1))!.Price;

        await app.QueryAsync(db => db.Courses.Where(c => c.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(c => c.Price, 1.23m)));
        var cached = (await catalog.SearchAsync(new CatalogueQuery())).Items.Single(c => c.Id == 1).Price;
        var searched = (await catalog.SearchAsync(new CatalogueQuery(Search: "Python 全栈"))).Items.Single(c => c.Id == 1).Price;
        await catalog.InvalidateAsync();
        var after = (await catalog.SearchAsync(new CatalogueQuery())).Items.Single(c => c.Id == 1).Price;
        var detailsAfter = (await catalog.GetDetailsAsync(1))!.Price;

        Assert.Equal((198.00m, 198.00m), (before, detailsBefore));
        Assert.Equal(198.00m, cached);
        Assert.Equal(1.23m, searched);
        Assert.Equal((1.23m, 1.23m), (after, detailsAfter));
    }
}
