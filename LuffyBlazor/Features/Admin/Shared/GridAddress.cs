using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Routing;
using Microsoft.AspNetCore.WebUtilities;
using MudBlazor;

namespace LuffyBlazor.Features.Admin.Shared;

/// <summary>Where a grid stands besides its filters: the page (from 0), rows per page, and the sort.</summary>
public sealed record GridPosition(int Page, int PageSize, string? SortBy, bool Descending);

/// <summary>
/// How one grid page writes its view into the address: its filter's query-string form, its page sizes (the first is
/// the default), the columns it may sort by and its default sort (none for a grid that does not sort).
/// </summary>
public sealed record GridAddressRules<TFilter>(
    Func<IReadOnlyDictionary<string, string>, (TFilter Filter, IReadOnlyList<string> Problems)> ReadFilter,
    Func<TFilter, IEnumerable<KeyValuePair<string, string?>>> WriteFilter,
    IReadOnlyList<int> PageSizes,
    IReadOnlyList<string>? SortColumns = null,
    string? DefaultSort = null,
    bool DefaultDescending = false)
{
    public GridPosition DefaultPosition => new(0, PageSizes[0], DefaultSort, DefaultDescending);
}

/// <summary>
/// A grid page's view lives in its address: filters, page (<c>page</c>, from 1), rows per page (<c>size</c>) and sort
/// (<c>sort</c>, <c>desc</c>), defaults left out. Sharing the address shares the view; every change the admin makes
/// is a new history entry, so Back returns to the view before. A value that cannot be read is ignored and named in
/// <see cref="Problems"/>, never an error page.
/// <para>
/// The page binds the grid's <c>RowsPerPage</c> and then <c>CurrentPage</c> (in that order: a new page size starts
/// again from page 1) to <see cref="Position"/>, takes each column's <see cref="InitialDirection"/>, keys the grid on
/// <see cref="Version"/> (a view arriving from the address, by Back or a filter, starts a fresh grid) and calls
/// <see cref="Loaded"/> from its <c>ServerData</c>.
/// </para>
/// </summary>
public sealed class GridAddress<TFilter> : IDisposable where TFilter : class
{
    /// <summary>Pages beyond this are refused: the offset must stay far from int's limit.</summary>
    public const int MaxPage = 1_000_000;

    private readonly NavigationManager navigation;
    private readonly GridAddressRules<TFilter> rules;
    private readonly Action changed;
    private readonly string path;

    /// <summary>What the address said when last read; the grid may have moved since (see <see cref="Loaded"/>).</summary>
    private GridPosition addressPosition;

    /// <summary>Set when the address asked for a page past the last one: showing page 1 instead is no new view.</summary>
    private bool showingFirstPageInstead;

    public GridAddress(NavigationManager navigation, GridAddressRules<TFilter> rules, Action changed)
    {
        this.navigation = navigation;
        this.rules = rules;
        this.changed = changed;
        path = PathOf(navigation.Uri);
        (Filter, addressPosition, Problems) = Read(navigation.Uri);
        Position = addressPosition;
        navigation.LocationChanged += OnLocationChanged;
    }

    public TFilter Filter { get; private set; }

    /// <summary>Where the grid is: bound to its CurrentPage and RowsPerPage.</summary>
    public GridPosition Position { get; private set; }

    /// <summary>Changes when a view arrives from the address: the page keys its grid on it.</summary>
    public int Version { get; private set; }

    /// <summary>The address's values that were ignored, and why.</summary>
    public IReadOnlyList<string> Problems { get; private set; }

    /// <summary>A column's sort when the grid starts: the address's sort, if it names this column.</summary>
    public SortDirection InitialDirection(string column) => Position.SortBy == column
        ? Position.Descending ? SortDirection.Descending : SortDirection.Ascending
        : SortDirection.None;

    public void PageChanged(int page) => Position = Position with { Page = page };

    public void PageSizeChanged(int size) => Position = Position with { PageSize = size, Page = 0 };

    /// <summary>Shows another filter, from its first page: a new history entry.</summary>
    public void Show(TFilter filter) => navigation.NavigateTo(Address(filter, Position with { Page = 0 }));

    /// <summary>
    /// Called with each load the grid asks for and the number of items there are: when the admin moved the grid
    /// (page, rows per page, sort), the address follows as a new history entry.
    /// </summary>
    public void Loaded<T>(GridState<T> state, int totalItems)
    {
        var moved = PositionOf(state);
        if (moved.Page > 0 && (long)moved.Page * moved.PageSize >= totalItems)
        {
            // A page past the last (an old link, or fewer rows by now): a fresh grid shows the first page instead, and
            // says so; the address keeps what was asked until the admin moves on.
            var pages = Math.Max(1, (totalItems + moved.PageSize - 1) / moved.PageSize);
            Problems = [.. Problems, $"page 超出了范围：共 {pages} 页，已显示第 1 页"];
            Position = moved with { Page = 0 };
            showingFirstPageInstead = true;
            Version++;
            changed();
            return;
        }

        Position = moved;
        if (moved == addressPosition || (showingFirstPageInstead && moved == addressPosition with { Page = 0 }))
        {
            return;
        }

        showingFirstPageInstead = false;
        addressPosition = moved;
        navigation.NavigateTo(Address(Filter, moved));
    }

    public void Dispose() => navigation.LocationChanged -= OnLocationChanged;

    private void OnLocationChanged(object? sender, LocationChangedEventArgs e)
    {
        if (PathOf(e.Location) != path)
        {
            return; // leaving the page
        }

        var (filter, position, problems) = Read(e.Location);
        var fresh = !filter.Equals(Filter) || position != Position;
        (Filter, addressPosition, Problems) = (filter, position, problems);
        if (fresh)
        {
            Position = position;
            showingFirstPageInstead = false;
            Version++;
        }

        changed();
    }

    /// <summary>The grid's state as a position: a sort the grid may not use (or none) is the default sort.</summary>
    private GridPosition PositionOf<T>(GridState<T> state)
    {
        var sort = state.SortDefinitions.FirstOrDefault();
        var (sortBy, descending) = sort is not null && rules.SortColumns?.Contains(sort.SortBy) == true
            ? (sort.SortBy, sort.Descending)
            : (rules.DefaultSort, rules.DefaultDescending);
        return new GridPosition(state.Page, state.PageSize, sortBy, descending);
    }

    private (TFilter Filter, GridPosition Position, IReadOnlyList<string> Problems) Read(string uri)
    {
        var query = QueryHelpers.ParseQuery(new Uri(uri).Query)
            .ToDictionary(p => p.Key, p => p.Value.ToString().Trim(), StringComparer.OrdinalIgnoreCase);
        var (filter, filterProblems) = rules.ReadFilter(query);
        var problems = new List<string>(filterProblems);
        var position = rules.DefaultPosition;

        if (query.TryGetValue("page", out var pageText) && pageText.Length > 0)
        {
            if (int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page is >= 1 and <= MaxPage)
            {
                position = position with { Page = page - 1 };
            }
            else
            {
                problems.Add($"page 必须是 1 到 {MaxPage} 之间的整数");
            }
        }

        if (query.TryGetValue("size", out var sizeText) && sizeText.Length > 0)
        {
            if (int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && rules.PageSizes.Contains(size))
            {
                position = position with { PageSize = size };
            }
            else
            {
                problems.Add($"size 必须是 {string.Join("、", rules.PageSizes)} 之一");
            }
        }

        if (query.TryGetValue("sort", out var sortText) && sortText.Length > 0)
        {
            if (rules.SortColumns?.FirstOrDefault(c => c.Equals(sortText, StringComparison.OrdinalIgnoreCase)) is { } column)
            {
                position = position with { SortBy = column, Descending = false };
            }
            else
            {
                problems.Add($"sort 不能是“{sortText}”：这一列不能排序");
            }
        }

        if (query.TryGetValue("desc", out var descText) && descText.Length > 0)
        {
            if (descText is "1" or "true" or "0" or "false")
            {
                position = position with { Descending = descText is "1" or "true" };
            }
            else
            {
                problems.Add("desc 必须是 true 或 false");
            }
        }

        return (filter, position, problems);
    }

    /// <summary>The page's address for a view: defaults are left out, so the plain page is the default view.</summary>
    private string Address(TFilter filter, GridPosition position)
    {
        var pairs = rules.WriteFilter(filter).Where(p => !string.IsNullOrWhiteSpace(p.Value)).ToList();
        var defaults = rules.DefaultPosition;
        if (position.SortBy != defaults.SortBy || position.Descending != defaults.Descending)
        {
            pairs.Add(new("sort", position.SortBy));
            pairs.Add(new("desc", position.Descending ? "true" : "false"));
        }

        if (position.PageSize != defaults.PageSize)
        {
            pairs.Add(new("size", position.PageSize.ToString(CultureInfo.InvariantCulture)));
        }

        if (position.Page > 0)
        {
            pairs.Add(new("page", (position.Page + 1).ToString(CultureInfo.InvariantCulture)));
        }

        return QueryHelpers.AddQueryString(path, pairs);
    }

    /// <summary>"admin/orders" for any address of the page, whatever its query.</summary>
    private string PathOf(string uri)
    {
        var relative = navigation.ToBaseRelativePath(uri);
        var end = relative.IndexOfAny(['?', '#']);
        return end < 0 ? relative : relative[..end];
    }
}
