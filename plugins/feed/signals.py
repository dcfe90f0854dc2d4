"""The feed's contributions to the portal: the news feed on the home page, navigation,
a group's posts on its page, a person's recent posts on their profile, Follow buttons and
Share buttons next to what may be shared. (helper "feedui")"""

from django.contrib.auth import get_user_model
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plugins.feed import queries
from plugins.feed.models import Attachment, Follow, Post
from plugins.groups.models import Group
from plugins.groups.services import is_member
from portal import signals, visibility
from portal.navigation import HomePanel, NavItem


def home_feed_panel(sender, request, **kwargs):
    from plugins.feed.views import composer_context, feed_context

    page = queries.home_feed(request.user)
    return HomePanel(
        title=_("News feed"),
        template="feed/home_panel.html",
        context={
            **composer_context(request),
            **feed_context(request, page, reverse("feed:home")),
        },
        order=10,
        region="main",
    )


def nav_entries(sender, request, **kwargs):
    """The home page is the feed; the people who relaunch posts get the last 24 hours."""
    if not request.user.has_perm("feed.relaunch_post"):
        return None
    return NavItem(label=_("Last 24 hours"), url=reverse("feed:last24h"), icon="activity", order=21)


def group_posts_section(sender, request, obj, **kwargs):
    """The group's feed on its page, for the people who hold the group's token (members,
    and everyone for public groups)."""
    from plugins.feed.views import composer_context, feed_context

    if visibility.group_token(obj.pk) not in visibility.tokens_for(request.user):
        return None
    page = queries.group_feed(request.user, obj)
    return HomePanel(
        title=_("Posts"),
        template="feed/group_section.html",
        context={
            "group": obj,
            **composer_context(request, group=obj),
            **feed_context(request, page, reverse("feed:group", args=[obj.slug])),
        },
        order=10,
    )


def person_posts_section(sender, request, obj, **kwargs):
    """A person's recent posts on their profile (only what the viewer may see)."""
    from plugins.feed.views import feed_context

    if not visibility.is_active_user(request.user):
        return None
    page = queries.author_feed(request.user, obj, limit=5)
    if not page.items:
        return None
    return HomePanel(
        title=_("Recent posts"),
        template="feed/person_section.html",
        context={**feed_context(request, page, reverse("feed:author", args=[obj.pk]))},
        order=50,
    )


def follow_button(sender, request, obj, **kwargs):
    """Follow / Unfollow next to a person (not oneself) or a group one may see."""
    user = request.user
    if not visibility.is_active_user(user):
        return None
    if isinstance(obj, Group):
        # Members already get the group's posts; following is for the others.
        if not visibility.can_view(user, obj) or is_member(user, obj):
            return None
        following = Follow.objects.filter(follower=user, group=obj).exists()
        field, label = "group", obj.name
    else:
        if obj.pk == user.pk or not obj.is_active:
            return None
        following = Follow.objects.filter(follower=user, user=obj).exists()
        field, label = "person", obj.get_full_name() or obj.email
    return render_to_string(
        "feed/includes/follow_button.html",
        {
            "field": field,
            "target": obj,
            "label": label,
            "following": following,
            "next": request.get_full_path(),
        },
        request=request,
    )


def share_button(sender, request, obj, **kwargs):
    """Share next to whatever is declared shareable (a news article, a course...), for
    the people who may see it; the share page works without JavaScript."""
    from portal import interactions

    declaration = interactions.declaration_for(type(obj))
    if declaration is None or not declaration.shareable or not declaration.api_prefix:
        return None
    if not visibility.can_view(request.user, obj):
        return None
    return render_to_string(
        "feed/includes/share_button.html",
        {
            "url": reverse("feed:share", args=[declaration.api_prefix, obj.pk]),
            "label": interactions.title_of(obj),
        },
        request=request,
    )


User = get_user_model()

signals.home_panels.connect(home_feed_panel, dispatch_uid="feed_home_panel")
signals.nav_items.connect(nav_entries, dispatch_uid="feed_nav")
signals.object_sections.connect(group_posts_section, sender=Group, dispatch_uid="feed_group")
signals.object_sections.connect(person_posts_section, sender=User, dispatch_uid="feed_person")
signals.object_actions.connect(follow_button, sender=Group, dispatch_uid="feed_follow_group")
signals.object_actions.connect(follow_button, sender=User, dispatch_uid="feed_follow_person")
signals.object_actions.connect(share_button, dispatch_uid="feed_share_button")


def page_assets(sender, request, **kwargs):
    """The feed's styles and scripts (infinite scroll, composer, mentions, votes and
    answers in place), wherever posts may show: the home page, groups, profiles."""
    return ["feed/feed.css", "feed/interactions.css", "feed/feed.js", "feed/interactions.js"]


signals.page_assets.connect(page_assets, dispatch_uid="feed_page_assets")


def follow_changed(sender, instance, raw=False, **kwargs):
    """Follows are remembered with the person's access (see ``queries.followed``)."""
    if not raw:
        visibility.access_changed(instance.follower_id)


post_save.connect(follow_changed, sender=Follow, dispatch_uid="feed_follow_saved")
post_delete.connect(follow_changed, sender=Follow, dispatch_uid="feed_follow_deleted")


def attachment_added(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        Post.objects.filter(pk=instance.post_id).update(attachment_count=F("attachment_count") + 1)


def attachment_removed(sender, instance, **kwargs):
    Post.objects.filter(pk=instance.post_id, attachment_count__gt=0).update(
        attachment_count=F("attachment_count") - 1
    )


post_save.connect(attachment_added, sender=Attachment, dispatch_uid="feed_attachment_added")
post_delete.connect(attachment_removed, sender=Attachment, dispatch_uid="feed_attachment_removed")
