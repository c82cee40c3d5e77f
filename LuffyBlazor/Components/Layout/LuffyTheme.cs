using MudBlazor;

namespace LuffyBlazor.Components.Layout;

/// <summary>
/// The school's colours and a font stack that renders Chinese well on every platform. Every colour used for text is
/// dark enough for WCAG AA contrast (4.5:1) on white, on the page's grey and on its own light tint (a chip); the
/// browser tests check it with axe-core.
/// </summary>
public static class LuffyTheme
{
    private static readonly string[] FontFamily =
        ["-apple-system", "BlinkMacSystemFont", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC",
         "WenQuanYi Micro Hei", "Helvetica Neue", "Arial", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#c0392b",
            Secondary = "#1a5fd0",
            // MudBlazor's own status colours are too light for text on white (its green is 2.1:1).
            Success = "#2e7d32",
            Info = "#1565c0",
            Warning = "#a85400",
            Error = "#c62828",
            AppbarBackground = "#ffffff",
            AppbarText = "#303133",
            Background = "#f5f6f8",
            TextSecondary = "rgba(0,0,0,0.6)",
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
