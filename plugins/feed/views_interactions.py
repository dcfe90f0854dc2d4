"""Pages and form posts for votes, event answers and a group's files. (helper "polls")"""

urlpatterns = []
