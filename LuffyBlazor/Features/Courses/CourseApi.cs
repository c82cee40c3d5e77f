using System.Globalization;
using LuffyBlazor.Common;

namespace LuffyBlazor.Features.Courses;

/// <summary><c>/api/v1/course/</c>: the catalogue for the original Luffy clients.</summary>
public static class CourseApi
{
    public const int DefaultApiPageSize = 10;

    public sealed record CourseItem(int Id, string Name, string Price, string? Cover);

    public sealed record LessonItem(int Id, string Title, int Duration, bool FreePreview);

    public sealed record ChapterItem(int Id, int Number, string Title, IReadOnlyList<LessonItem> Lessons);

    public sealed record CourseDetailItem(
        int Id, string Name, string Brief, string Description, string Level, string Price, string? Cover, int Students,
        bool OnSale, string Category, string Teacher, IReadOnlyList<ChapterItem> Chapters);

    public static IEndpointRouteBuilder MapCourseApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/course").WithTags("Course");
        group.MapGet("/", ListAsync).WithName("ListCourses");
        group.MapGet("/{id}/", GetAsync).WithName("GetCourse");
        return app;
    }

    private static async Task<IResult> ListAsync(
        CourseCatalog catalog, HttpContext context, string? page, string? size, CancellationToken ct)
    {
        if (!CatalogueQuery.TryParsePage(page, out var pageNumber))
        {
            return Api.BadRequest(CatalogueQuery.PageRule);
        }

        if (!TryParseSize(size, out var pageSize))
        {
            return Api.BadRequest($"size 必须是 1 到 {CatalogueQuery.MaxSize} 之间的整数");
        }

        var result = await catalog.SearchAsync(new CatalogueQuery(Page: pageNumber, Size: pageSize), ct);
        context.Response.Headers["X-Total-Count"] = result.Total.ToString(CultureInfo.InvariantCulture);
        var items = result.Items.Select(c => new CourseItem(c.Id, c.Name, Money.Format(c.Price), c.CoverUrl)).ToList();
        return Api.Ok(items);
    }

    private static async Task<IResult> GetAsync(CourseCatalog catalog, string id, CancellationToken ct)
    {
        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var courseId))
        {
            return Api.BadRequest("课程 id 必须是整数");
        }

        var course = await catalog.GetDetailsAsync(courseId, ct);
        if (course is null)
        {
            return Api.NotFound("课程不存在");
        }

        var chapters = course.Chapters.Select(ch => new ChapterItem(ch.Id, ch.Number, ch.Title,
            ch.Lessons.Select(l => new LessonItem(l.Id, l.Title, l.DurationSeconds, l.IsFreePreview)).ToList())).ToList();
        return Api.Ok(new CourseDetailItem(
            course.Id, course.Name, course.Brief, course.Description, course.Level.ToChinese(), Money.Format(course.Price),
            course.CoverUrl, course.StudentsCount, course.IsOnSale, course.CategoryName, course.Teacher.Name, chapters));
    }

    private static bool TryParseSize(string? text, out int size)
    {
        if (string.IsNullOrEmpty(text))
        {
            size = DefaultApiPageSize;
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out size) && size is >= 1 and <= CatalogueQuery.MaxSize;
    }
}
