using MudBlazor;

namespace LuffyBlazor.Components.Layout;

/// <summary>The school's colours and a font stack that renders Chinese well on every platform.</summary>
public static class LuffyTheme
{
    private static readonly string[] FontFamily =
        ["-apple-system", "BlinkMacSystemFont", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
         "WenQuanYi Micro Hei", "Helvetica Neue", "Arial", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#d4442e",
            Secondary = "#1f6feb",
            AppbarBackground = "#ffffff",
            AppbarText = "#303133",
            Background = "#f5f6f8",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = FontFamily },
            H1 = new H1Typography { FontFamily = FontFamily },
            H2 = new H2Typography { FontFamily = FontFamily },
            H3 = new H3Typography { FontFamily = FontFamily },
            H4 = new H4Typography { FontFamily = FontFamily },
            H5 = new H5Typography { FontFamily = FontFamily },
            H6 = new H6Typography { FontFamily = FontFamily },
            Button = new ButtonTypography { FontFamily = FontFamily, TextTransform = "none" },
        },
    };
}
