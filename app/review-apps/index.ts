export { ReviewApps, REVIEW_PREFIX, withReviewApps, type ReviewAppsDeps, type ReviewPush } from './review-apps';
