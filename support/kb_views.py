"""The knowledge base (read by audience, written by staff) and the Downloads page."""

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.access import paginate
from subscriptions.models import Deployment, Subscription
from support import access, knowledge, services
from support.access import article_writer_required
from support.forms import ArticleForm
from support.models import Article, ArticleCategory

# The releases offered on the Downloads page (OpenNebula's public release policy).
RELEASES = [
    {"version": "7.0", "label": "Latest stable", "lts": False},
    {"version": "6.10", "label": "Long-term support (LTS)", "lts": True},
    {"version": "6.8", "label": "Long-term support (LTS), maintenance only", "lts": True},
]
REPOSITORY_HOST = "enterprise.opennebula.io"


def kb_index(request):
    organization = getattr(request, "organization", None)
    audiences = knowledge.audiences_for(request.user, organization)
    articles = Article.objects.for_audiences(audiences)
    # Counted on the join itself: an `articles__in=<subquery>` filter reads every article.
    # Counting joined rows (not article ids) lets PostgreSQL answer from the
    # (is_published, audience, category) index without reading the articles.
    categories = ArticleCategory.objects.filter(
        articles__is_published=True, articles__audience__in=audiences
    ).annotate(readable=Count("pk"))
    category = None
    if slug := request.GET.get("category"):
        category = ArticleCategory.objects.filter(slug=slug).first()
        if category is not None:
            articles = articles.filter(category=category)
    query = request.GET.get("q", "").strip()[:200]
    results = articles.search(query).select_related("category")
    return render(
        request,
        "support/kb_index.html",
        {
            "articles": paginate(request, results, 20),
            "categories": categories,
            "category": category,
            "query": query,
            "audiences": audiences,
        },
    )


def kb_article(request, slug):
    article = knowledge.article_for(request.user, getattr(request, "organization", None), slug)
    if article is None:
        raise Http404
    return render(
        request,
        "support/kb_article.html",
        {
            "article": article,
            "body": knowledge.render_markdown(article.body),
            "can_edit": access.writes_articles(request.user),
        },
    )


@article_writer_required
def kb_manage(request):
    articles = Article.objects.select_related("category", "author").order_by("-updated_at")
    return render(request, "support/kb_manage.html", {"articles": paginate(request, articles, 50)})


@article_writer_required
def kb_article_new(request):
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        article = services.save_article(form.save(commit=False), actor=request.user)
        messages.success(request, f"Draft “{article.title}” saved. Publish it when it is ready.")
        return redirect("kb_article_edit", pk=article.pk)
    return render(request, "support/kb_edit.html", {"form": form, "article": None})


@article_writer_required
def kb_article_edit(request, pk):
    article = get_object_or_404(Article, pk=pk)
    form = ArticleForm(request.POST or None, instance=article)
    if request.method == "POST" and form.is_valid():
        services.save_article(form.save(commit=False), actor=request.user)
        messages.success(request, f"“{article.title}” saved.")
        return redirect("kb_article_edit", pk=article.pk)
    return render(
        request,
        "support/kb_edit.html",
        {"form": form, "article": article, "preview": knowledge.render_markdown(article.body)},
    )


@article_writer_required
@require_POST
def kb_article_publish(request, pk):
    article = get_object_or_404(Article, pk=pk)
    publish = request.POST.get("publish") == "1"
    services.set_article_published(article, publish, actor=request.user)
    messages.success(
        request, f"“{article.title}” {'published' if publish else 'withdrawn to draft'}."
    )
    return redirect("kb_article_edit", pk=article.pk)


def downloads(request):
    """How to reach the enterprise repository and LTS releases with a deployment token.
    Without an active subscription the page says why and how to renew (SPEC §4)."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    organization = request.organization
    if organization is None or organization.is_vendor:
        raise Http404
    active = access.has_active_subscription(organization)
    deployments = []
    if active:
        scope = Q(subscription__organization=organization)
        if organization.is_partner:
            scope |= Q(subscription__organization__managed_by=organization)
        deployments = (
            Deployment.objects.live()
            .filter(scope, subscription__status=Subscription.Status.ACTIVE)
            .select_related("subscription__organization", "subscription__plan")
            .order_by("subscription__organization__name", "name")
        )
    return render(
        request,
        "support/downloads.html",
        {
            "active": active,
            "deployments": deployments,
            "releases": RELEASES,
            "repository_host": REPOSITORY_HOST,
        },
    )
