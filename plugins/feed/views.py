"""The feed's pages. (helper "feedui")"""

urlpatterns = []
