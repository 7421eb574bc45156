export { ReviewApps, REVIEW_PREFIX, type ReviewAppsDeps, type ReviewPush } from './review-apps';
