"""The write side of the feed: posting, editing, deleting, moderating, following.
(helper "posts")"""
