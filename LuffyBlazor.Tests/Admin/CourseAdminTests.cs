using System.Text;
using LuffyBlazor.Features.Admin;
using LuffyBlazor.Features.Admin.Audit;
using LuffyBlazor.Features.Admin.Courses;
using LuffyBlazor.Features.Courses;
using LuffyBlazor.Features.Orders;
using LuffyBlazor.Features.Storage;
using LuffyBlazor.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LuffyBlazor.Tests.Admin;

public sealed class CourseAdminTests(LuffyAppFactory app) : IClassFixture<LuffyAppFactory>
{
    private async Task<CourseSaveResult> SaveAsync(CourseForm form)
    {
        var admin = await app.AdminAsync();
        return await app.WithAsync<CourseAdmin, CourseSaveResult>(c => c.SaveAsync(form, admin));
    }

    private async Task ContentAsync(Func<CourseContentAdmin, AdminActor, Task> change)
    {
        var admin = await app.AdminAsync();
        await app.WithAsync<CourseContentAdmin, bool>(async c =>
        {
            await change(c, admin);
            return true;
        });
    }

    private static CourseForm NewCourse(string name, decimal price) => new()
    {
        Name = name, Brief = "一句话", Description = "介绍", Price = price, CategoryId = 1, TeacherId = 1, SortOrder = 500,
    };

    [Fact]
    public async Task A_price_change_never_touches_existing_orders_only_new_ones()
    {
        var (learner, _) = await app.CreateLearnerAsync();
        var before = await app.PlaceOrderAsync(learner, 4); // 149.00
        var form = (await app.WithAsync<CourseAdmin, CourseForm?>(c => c.FormAsync(4)))!;
        form.Price = 119.00m;

        var saved = await SaveAsync(form);

        Assert.True(saved.Succeeded, string.Join(" ", saved.Errors));
        var old = await app.OrderAsync(before.OutTradeNo);
        Assert.Equal(149.00m, old.TotalAmount);
        Assert.Equal((149.00m, 149.00m), (old.Details.Single().Price, old.Details.Single().RealPrice));
        var (other, _) = await app.CreateLearnerAsync();
        var after = await app.PlaceOrderAsync(other, 4);
        Assert.Equal(119.00m, after.TotalAmount);
        var entry = await app.QueryAsync(db => db.AdminAuditEntries.Where(e => e.Target == AuditTargets.Course(4)).OrderBy(e => e.Id).LastAsync());
        Assert.Equal((AdminActions.CourseUpdate, "《Python 爬虫开发实战》价格 ¥149.00 → ¥119.00"), (entry.Action, entry.Outcome));
    }

    [Fact]
    public async Task The_form_refuses_what_it_should_with_messages_that_say_why()
    {
        var empty = await SaveAsync(new CourseForm());
        var badPrice = await SaveAsync(NewCourse("三位小数", 1.234m));
        var tooCheap = await SaveAsync(NewCourse("免费课", 0m));
        var duplicate = await SaveAsync(NewCourse("Shell 脚本编程", 10m));
        var unknownCategory = NewCourse("无此分类", 10m);
        unknownCategory.CategoryId = 999;
        var noCategory = await SaveAsync(unknownCategory);

        Assert.Contains("请填写课程名称", empty.Errors);
        Assert.Contains("请填写价格", empty.Errors);
        Assert.Contains("请选择分类", empty.Errors);
        Assert.Contains("价格最多两位小数", badPrice.Errors);
        Assert.Contains("价格须在 0.01 到 100000000 元之间", tooCheap.Errors);
        Assert.Contains("已有名为《Shell 脚本编程》的课程", duplicate.Errors);
        Assert.Equal(["分类不存在"], noCategory.Errors);
        Assert.All([empty, badPrice, tooCheap, duplicate, noCategory], r => Assert.Null(r.CourseId));
    }

    [Fact]
    public async Task A_new_course_starts_off_sale_after_the_last_course_and_goes_where_its_sort_order_says_once_on_sale()
    {
        var admin = await app.AdminAsync();
        var form = await app.WithAsync<CourseAdmin, CourseForm>(c => c.NewFormAsync());
        var last = await app.QueryAsync(db => db.Courses.MaxAsync(c => c.SortOrder));
        Assert.False(form.IsOnSale);
        Assert.Equal(last + CourseAdmin.SortOrderStep, form.SortOrder);
        (form.Name, form.Brief, form.Price, form.CategoryId, form.TeacherId) = ("Rust 入门", "一句话", 66.00m, 1, 1);

        var created = (await SaveAsync(form)).CourseId!.Value;

        var (learner, _) = await app.CreateLearnerAsync();
        var refused = await app.WithAsync<OrderService, PlaceOrderResult>(o => o.PlaceOrderAsync(learner, [created]));
        Assert.Equal("课程《Rust 入门》已下架，无法购买", refused.Error);
        Assert.DoesNotContain(created, await CatalogueIdsAsync());

        Assert.True(await app.WithAsync<CourseAdmin, bool>(c => c.SetOnSaleAsync(created, true, "内容已就绪", admin)));
        Assert.Equal(created, (await CatalogueIdsAsync())[^1]); // at once: the catalogue's cache is dropped
        Assert.Equal(66.00m, (await app.PlaceOrderAsync(learner, created)).TotalAmount);

        var edit = (await app.WithAsync<CourseAdmin, CourseForm?>(c => c.FormAsync(created)))!;
        edit.SortOrder = 0;
        Assert.True((await SaveAsync(edit)).Succeeded);
        Assert.Equal(created, (await CatalogueIdsAsync())[0]);
        var (_, api) = await app.CreateClient().GetJsonAsync("/api/v1/course/?size=100");
        Assert.Equal(created, api.GetProperty("data")[0].GetProperty("id").GetInt32());

        Assert.True(await app.WithAsync<CourseAdmin, bool>(c => c.SetOnSaleAsync(created, false, "内容更新中", admin)));
        var (other, _) = await app.CreateLearnerAsync();
        refused = await app.WithAsync<OrderService, PlaceOrderResult>(o => o.PlaceOrderAsync(other, [created]));
        Assert.Equal("课程《Rust 入门》已下架，无法购买", refused.Error);
        var entry = await app.QueryAsync(db => db.AdminAuditEntries.Where(e => e.Target == AuditTargets.Course(created)).OrderBy(e => e.Id).LastAsync());
        Assert.Equal((AdminActions.CourseOffSale, "内容更新中"), (entry.Action, entry.Reason));
    }

    /// <summary>The catalogue's on-sale courses, in its order, as the shop reads them (cache included).</summary>
    private Task<List<int>> CatalogueIdsAsync() => app.WithAsync<CourseCatalog, List<int>>(async c =>
        (await c.SearchAsync(new CatalogueQuery(Size: CatalogueQuery.MaxSize))).Items.Select(i => i.Id).ToList());

    [Fact]
    public async Task Chapters_and_lessons_are_added_reordered_and_renumbered_after_a_delete()
    {
        var course = (await SaveAsync(NewCourse("章节测试课", 9.90m))).CourseId!.Value;
        await ContentAsync((c, a) => c.AddChapterAsync(course, new ChapterForm { Title = "第一" }, a));
        await ContentAsync((c, a) => c.AddChapterAsync(course, new ChapterForm { Title = "第二" }, a));
        await ContentAsync((c, a) => c.AddChapterAsync(course, new ChapterForm { Title = "第三" }, a));
        var chapters = await app.WithAsync<CourseContentAdmin, IReadOnlyList<ChapterItem>>(c => c.ChaptersAsync(course));
        await ContentAsync((c, a) => c.AddLessonAsync(chapters[1].Id, new LessonForm { Title = "甲", Minutes = 12, IsFreePreview = true }, a));
        await ContentAsync((c, a) => c.AddLessonAsync(chapters[1].Id, new LessonForm { Title = "乙", Minutes = 3 }, a));

        await ContentAsync((c, a) => c.MoveChapterAsync(chapters[2].Id, -1, a));
        await ContentAsync((c, a) => c.DeleteChapterAsync(chapters[0].Id, a));

        var now = await app.WithAsync<CourseContentAdmin, IReadOnlyList<ChapterItem>>(c => c.ChaptersAsync(course));
        Assert.Equal([(1, "第三"), (2, "第二")], now.Select(c => (c.Number, c.Title)));
        Assert.Equal([(1, "甲", 720, true), (2, "乙", 180, false)], now[1].Lessons.Select(l => (l.Number, l.Title, l.DurationSeconds, l.IsFreePreview)));
        var details = await app.WithAsync<CourseCatalog, CourseDetails?>(c => c.GetDetailsAsync(course));
        Assert.Equal(["第三", "第二"], details!.Chapters.Select(c => c.Title));
    }

    [Fact]
    public async Task Replacing_a_lesson_video_deletes_the_old_back_office_upload_but_never_a_seed_file_and_keeps_the_new_files_name()
    {
        var course = (await SaveAsync(NewCourse("视频测试课", 19.90m))).CourseId!.Value;
        await ContentAsync((c, a) => c.AddChapterAsync(course, new ChapterForm { Title = "章" }, a));
        var chapter = (await app.WithAsync<CourseContentAdmin, IReadOnlyList<ChapterItem>>(c => c.ChaptersAsync(course)))[0];
        await ContentAsync((c, a) => c.AddLessonAsync(chapter.Id, new LessonForm { Title = "课" }, a));
        var lesson = (await app.WithAsync<CourseContentAdmin, IReadOnlyList<ChapterItem>>(c => c.ChaptersAsync(course)))[0].Lessons[0];
        var files = app.Services.GetRequiredService<IFileStore>();
        var content = TestMedia.Webm(20_000);
        const string seed = "private/videos/go-intro.webm";
        var first = $"{CourseMedia.VideoPrefix}/202611/{course}a.webm".Insert(0, StorageKeys.PrivatePrefix);
        var second = $"{CourseMedia.VideoPrefix}/202611/{course}b.webm".Insert(0, StorageKeys.PrivatePrefix);
        await files.SaveAsync(first, new MemoryStream(content), "video/webm");
        await files.SaveAsync(second, new MemoryStream(content), "video/webm");

        await ContentAsync((c, a) => c.SetLessonVideoAsync(lesson.Id, seed, null, a));
        await ContentAsync((c, a) => c.SetLessonVideoAsync(lesson.Id, first, "旧版.webm", a));
        await ContentAsync((c, a) => c.SetLessonVideoAsync(lesson.Id, second, @"C:\fakepath\第1课-环境搭建.webm", a));

        Assert.NotNull(await files.StatAsync(seed));
        Assert.Null(await files.StatAsync(first));
        Assert.Equal(content.Length, (await files.StatAsync(second))!.Length);
        var stored = await app.QueryAsync(db => db.CourseLessons.Where(l => l.Id == lesson.Id).Select(l => new { l.VideoKey, l.VideoFileName }).SingleAsync());
        Assert.Equal((second, "第1课-环境搭建.webm"), (stored.VideoKey, stored.VideoFileName));
    }
}
