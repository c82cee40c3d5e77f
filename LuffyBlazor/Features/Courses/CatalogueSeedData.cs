namespace LuffyBlazor.Features.Courses;

/// <summary>The demo school's catalogue, as the school would write it. Prices in yuan.</summary>
internal static class CatalogueSeedData
{
    public sealed record TeacherSeed(string Name, string Title, string Brief, string Avatar);

    /// <summary>Chapters are "title|lesson|lesson..."; a lesson ending in '*' is a free preview; "~mm" is its length.</summary>
    public sealed record CourseSeed(
        string Category, string Teacher, string Name, string Brief, CourseLevel Level, decimal Price, int Students,
        string Cover, string Description, params string[] Chapters);

    /// <summary>
    /// Demo lesson videos (short clips in <c>wwwroot-assets/private/videos/</c>), by course name, chapter and lesson
    /// number: a free preview and a paid lesson in several courses, so both kinds can be tried. A paid lesson never
    /// shares its file with a free one: the signed URL a visitor gets for a preview must not open a paid lesson.
    /// </summary>
    public static readonly IReadOnlyDictionary<(string Course, int Chapter, int Lesson), string> LessonVideos =
        new Dictionary<(string, int, int), string>
        {
            [("Python 全栈开发", 1, 1)] = "private/videos/python-setup.webm",
            [("Python 全栈开发", 1, 3)] = "private/videos/python-control-flow.webm",
            [("Python 零基础入门", 1, 1)] = "private/videos/python-setup.webm",
            [("Linux 运维入门", 1, 1)] = "private/videos/linux-distros.webm",
            [("Linux 运维入门", 2, 1)] = "private/videos/linux-users.webm",
            [("Go 语言基础", 1, 1)] = "private/videos/go-intro.webm",
            [("Go 语言基础", 2, 1)] = "private/videos/go-types.webm",
            [("Vue 3 全家桶实战", 1, 1)] = "private/videos/vue-reactivity.mp4",
            [("Vue 3 全家桶实战", 1, 2)] = "private/videos/vue-components.mp4",
        };

    public static readonly string[] Categories = ["Python 开发", "Linux 运维", "Go 语言", "前端开发"];

    public static readonly TeacherSeed[] Teachers =
    [
        new("李明轩", "Python 全栈讲师", "十年 Python 开发经验，曾任互联网公司后端架构师，主导过日活百万级系统的设计。", "teachers/li-mingxuan.svg"),
        new("王思远", "Django 与爬虫讲师", "专注 Web 后端与数据采集，开源项目维护者，讲课风格幽默，擅长把复杂问题讲简单。", "teachers/wang-siyuan.svg"),
        new("陈静怡", "Linux 运维讲师", "资深 SRE，负责过千台服务器的自动化运维，RHCE、CKA 认证。", "teachers/chen-jingyi.svg"),
        new("赵子昂", "Go 语言讲师", "Go 语言布道者，微服务框架贡献者，曾在头部云厂商负责高并发网关研发。", "teachers/zhao-ziang.svg"),
        new("刘雨桐", "前端讲师", "前端工程化专家，Vue 生态长期使用者，带领团队交付过多个大型中后台项目。", "teachers/liu-yutong.svg"),
    ];

    public static readonly CourseSeed[] Courses =
    [
        new("Python 开发", "李明轩", "Python 全栈开发", "从语法到 Web 项目上线，一门课走完全栈之路", CourseLevel.Intermediate, 198.00m, 12860, "covers/python-fullstack.svg",
            "本课程覆盖 Python 基础、面向对象、网络编程、数据库、Django 与 Vue 前后端分离开发，最后带你完成一个完整的在线教育项目并部署上线。\n\n适合有一点编程基础、希望系统掌握 Python Web 全栈开发的同学。",
            "Python 基础|开发环境搭建~8*|变量与数据类型~15*|流程控制~18|函数与作用域~22",
            "面向对象编程|类与对象~20|继承与多态~24|魔术方法~19",
            "Web 开发|HTTP 协议基础~16|Django 快速上手~28|REST API 设计~26",
            "项目实战|需求分析与建模~21|前后端联调~30|部署上线~25"),
        new("Python 开发", "李明轩", "Python 零基础入门", "零基础也能学会的 Python 第一课", CourseLevel.Beginner, 0.01m, 35210, "covers/python-basics.svg",
            "写给完全没有编程经验的你：用生活中的例子讲清楚变量、条件、循环和函数，每节课都有小练习。\n\n价格 0.01 元，也是体验支付宝沙箱支付流程的最好选择。",
            "初识 Python|Python 能做什么~6*|安装与第一个程序~10*",
            "基础语法|变量和数字~12|字符串~14|列表与字典~16",
            "小项目|猜数字游戏~18|简易记账本~20"),
        new("Python 开发", "王思远", "Django 项目实战：路飞学城", "用 Django + DRF 复刻一个在线课程商城", CourseLevel.Advanced, 99.00m, 8420, "covers/django-luffy.svg",
            "以路飞学城为原型，从需求到上线完整实现课程、购物车、订单与支付宝支付，讲透 DRF 视图、序列化、认证与权限。\n\n你将亲手对接支付宝沙箱，理解签名、异步通知与幂等处理。",
            "项目准备|项目介绍与技术选型~9*|目录结构与配置~17",
            "课程模块|课程模型设计~23|课程列表与详情接口~25",
            "订单与支付|订单模型与状态机~27|支付宝签名原理~24|异步通知与幂等~29",
            "上线|Nginx + uWSGI 部署~22|日志与监控~18"),
        new("Python 开发", "王思远", "Python 爬虫开发实战", "requests、Scrapy 与反爬对抗", CourseLevel.Intermediate, 149.00m, 9630, "covers/python-spider.svg",
            "从 HTTP 请求到分布式爬虫，讲解页面解析、登录与验证码、异步抓取、Scrapy 框架和数据清洗入库。\n\n所有案例遵守 robots 协议与法律法规，强调合规采集。",
            "爬虫基础|爬虫原理与合规~11*|requests 入门~16",
            "数据解析|XPath 与 CSS 选择器~19|JSON 接口分析~17",
            "Scrapy 框架|Scrapy 架构~21|中间件与管道~24|分布式爬取~26"),
        new("Python 开发", "李明轩", "Python 数据分析", "NumPy、pandas 与可视化实战", CourseLevel.Intermediate, 129.00m, 7315, "covers/python-data.svg",
            "用真实数据集学习数据清洗、分组聚合、时间序列与可视化，完成销售分析与用户画像两个项目。",
            "数据分析入门|分析流程概览~10*|Jupyter 使用~12",
            "pandas|Series 与 DataFrame~20|数据清洗~22|分组聚合~21",
            "可视化|Matplotlib 基础~18|项目：销售分析~28"),
        new("Linux 运维", "陈静怡", "Linux 运维入门", "从命令行到服务器管理", CourseLevel.Beginner, 99.00m, 15890, "covers/linux-basics.svg",
            "系统讲解 Linux 文件系统、用户与权限、进程管理、软件安装、网络配置和日志排查，配套大量动手实验。",
            "Linux 基础|Linux 发行版介绍~9*|常用命令~18*",
            "系统管理|用户与权限~20|进程与服务~22|磁盘管理~19",
            "网络|网络配置~17|防火墙~16|SSH 与密钥登录~15"),
        new("Linux 运维", "陈静怡", "Shell 脚本编程", "让重复工作自动化", CourseLevel.Beginner, 59.00m, 6740, "covers/shell.svg",
            "掌握 Bash 变量、条件、循环、函数、文本处理三剑客（grep、sed、awk），编写可靠的运维脚本。",
            "入门|第一个脚本~8*|变量与参数~14",
            "流程控制|条件判断~15|循环~16|函数~14",
            "文本处理|grep 与正则~18|sed~17|awk~20"),
        new("Linux 运维", "陈静怡", "Docker 与 Kubernetes 实战", "容器化与编排一站式掌握", CourseLevel.Advanced, 299.00m, 5120, "covers/docker-k8s.svg",
            "从镜像构建到 Kubernetes 集群部署，覆盖网络、存储、配置、滚动发布、监控告警与故障排查。",
            "Docker|容器是什么~10*|镜像与 Dockerfile~22|数据卷与网络~21",
            "Kubernetes 基础|集群架构~19|Pod 与 Deployment~24|Service 与 Ingress~23",
            "生产实践|配置与密钥~18|滚动发布~20|监控告警~22"),
        new("Linux 运维", "陈静怡", "Nginx 高性能 Web 服务", "反向代理、负载均衡与调优", CourseLevel.Intermediate, 79.00m, 4380, "covers/nginx.svg",
            "深入 Nginx 配置结构、反向代理、负载均衡、HTTPS、缓存与性能调优，附带常见故障案例。",
            "基础|Nginx 架构~12*|配置文件结构~16",
            "代理与均衡|反向代理~18|负载均衡策略~17|WebSocket 代理~14",
            "安全与性能|HTTPS 配置~16|缓存与压缩~15|性能调优~19"),
        new("Go 语言", "赵子昂", "Go 语言基础", "简洁高效的现代编程语言", CourseLevel.Beginner, 99.00m, 11020, "covers/go-basics.svg",
            "讲解 Go 的类型系统、切片与映射、结构体与接口、错误处理、包管理与测试，为后端开发打下扎实基础。",
            "入门|Go 语言简介~8*|环境与工具链~12*",
            "语法|类型与变量~16|切片与映射~19|结构体与方法~20|接口~22",
            "工程化|错误处理~15|模块与依赖~14|单元测试~17"),
        new("Go 语言", "赵子昂", "Go 并发编程", "goroutine、channel 与并发模式", CourseLevel.Intermediate, 128.00m, 5630, "covers/go-concurrency.svg",
            "理解 Go 调度器与内存模型，掌握 channel、select、sync 包、context 以及常见并发模式和陷阱。",
            "并发基础|并发与并行~11*|goroutine~17",
            "通信|channel~21|select~16|context~19",
            "同步与模式|sync 包~18|并发模式~23|数据竞争排查~15"),
        new("Go 语言", "赵子昂", "Go 微服务实战", "gRPC、服务治理与可观测性", CourseLevel.Advanced, 268.00m, 3890, "covers/go-microservice.svg",
            "用 Go 构建一套电商微服务：gRPC 通信、服务注册发现、配置中心、熔断限流、链路追踪与容器化部署。",
            "架构|单体到微服务~13*|服务拆分~19",
            "通信|Protobuf~16|gRPC 服务~24|网关~20",
            "治理|注册发现~18|熔断限流~21|链路追踪~19"),
        new("前端开发", "刘雨桐", "Vue 3 全家桶实战", "组合式 API、Pinia 与 Vue Router", CourseLevel.Intermediate, 168.00m, 9870, "covers/vue3.svg",
            "以一个课程商城前端为主线，学习 Vue 3 组合式 API、组件设计、路由、状态管理、请求封装与工程化构建。",
            "Vue 3 基础|响应式原理~14*|组件与 Props~18",
            "全家桶|Vue Router~17|Pinia 状态管理~16|Axios 封装~15",
            "项目实战|课程列表页~22|购物车与结算~24|打包与部署~16"),
        new("前端开发", "刘雨桐", "JavaScript 核心基础", "扎实掌握这门 Web 的语言", CourseLevel.Beginner, 49.00m, 18340, "covers/javascript.svg",
            "从数据类型到闭包、原型、异步编程与 ES6+，配合浏览器调试技巧，打牢前端基础。",
            "基础|数据类型~12*|运算符与流程控制~15",
            "函数|作用域与闭包~19|this 与原型~21",
            "异步|事件循环~18|Promise~17|async/await~15"),
        new("前端开发", "刘雨桐", "TypeScript 进阶", "类型体操与工程实践", CourseLevel.Advanced, 88.00m, 4210, "covers/typescript.svg",
            "深入泛型、条件类型、映射类型与类型推断，学习在大型项目中设计可靠的类型与声明文件。",
            "类型系统|基础类型回顾~10*|接口与类型别名~14",
            "高级类型|泛型~20|条件类型~22|映射类型~19",
            "工程实践|声明文件~15|严格模式迁移~17"),
    ];
}
