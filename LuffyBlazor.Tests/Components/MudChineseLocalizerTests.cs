using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using Bunit;
using LuffyBlazor.Components.Localization;
using LuffyBlazor.Tests.Infrastructure;
using MudBlazor;

namespace LuffyBlazor.Tests.Components;

public sealed partial class MudChineseLocalizerTests : BunitTestContext
{
    /// <summary>MudBlazor's own English texts, by key, as its LanguageResource ships them.</summary>
    private static Dictionary<string, string> EnglishTexts()
    {
        var assembly = typeof(MudButton).Assembly;
        using var stream = assembly.GetManifestResourceStream("MudBlazor.Resources.LanguageResource.resources")!;
        using var reader = new ResourceReader(stream);
        return reader.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string)e.Value!);
    }

    [Fact]
    public void Every_text_mudblazor_has_is_translated_and_nothing_else()
    {
        var english = EnglishTexts();

        Assert.True(english.Count > 100, "MudBlazor's resources were found");
        Assert.Empty(english.Keys.Except(MudChineseLocalizer.Texts.Keys).Order());
        Assert.Empty(MudChineseLocalizer.Texts.Keys.Except(english.Keys).Order());
    }

    [Fact]
    public void Each_translation_keeps_the_arguments_of_the_english_text()
    {
        foreach (var (key, text) in EnglishTexts())
        {
            Assert.True(Arguments(text).SetEquals(Arguments(MudChineseLocalizer.Texts[key])), $"{key}: '{text}' vs '{MudChineseLocalizer.Texts[key]}'");
        }

        static HashSet<string> Arguments(string text) => Argument().Matches(text).Select(m => m.Value).ToHashSet();
    }

    [Fact]
    public void The_pager_speaks_chinese_even_in_a_browser_that_asks_for_english()
    {
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en-US");
        try
        {
            RenderPagerOf401Items();
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    private void RenderPagerOf401Items()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServicesInChinese();
        var items = Enumerable.Range(1, 401).ToList();

        var grid = Render<MudDataGrid<int>>(p => p
            .Add(g => g.Items, items)
            .Add(g => g.RowsPerPage, 20)
            .Add(g => g.Columns, builder =>
            {
                builder.OpenComponent<PropertyColumn<int, int>>(0);
                builder.AddComponentParameter(1, nameof(PropertyColumn<int, int>.Property), (System.Linq.Expressions.Expression<Func<int, int>>)(x => x));
                builder.CloseComponent();
            })
            .Add(g => g.PagerContent, builder =>
            {
                builder.OpenComponent<MudDataGridPager<int>>(0);
                builder.CloseComponent();
            }));

        Assert.Contains("每页行数", grid.Find(".mud-table-pagination").TextContent);
        Assert.Contains("1-20 / 401", grid.Find(".mud-table-pagination").TextContent);
        var buttons = grid.FindAll(".mud-table-pagination button").Select(b => b.GetAttribute("aria-label")).ToList();
        Assert.Equal(["第一页", "上一页", "下一页", "最后一页"], buttons);
    }

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Argument();
}
